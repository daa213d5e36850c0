import { z } from 'zod';
import { CONTRACT_FIELDS, type ContractRow } from '../lib/domain/contracts';
import { none, op } from './op';

export type { ContractFields, ContractRow, ContractState } from '../lib/domain/contracts';
export { CONTRACT_STATE_NAMES } from '../lib/domain/contracts';

/** 购买第三方服务: contracts that supply equipment's use to agencies instead of owning it. */
export const contractOps = {
  'contracts/list': op(none, 'read').returns<ContractRow[]>(),
  'contracts/save': op(z.object({ id: z.number().int().positive().nullable(), fields: CONTRACT_FIELDS }).strict(), 'budget', true).returns<ContractRow>(),
  'contracts/delete': op(z.object({ id: z.number().int().positive() }).strict(), 'budget', true).returns<null>(),
} as const;
