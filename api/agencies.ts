import { z } from 'zod';
import { AGENCY_FIELDS, NEW_AGENCY, type AgencyNode } from '../lib/domain/agencies';
import { code } from '../lib/domain/values';
import { none, op } from './op';

export * from '../lib/domain/agencies';

/** The agency tree. */
export const agencyOps = {
  'agencies/list': op(none, 'read').returns<AgencyNode[]>(),
  'agencies/create': op(NEW_AGENCY, 'edit', true).returns<AgencyNode>(),
  'agencies/update': op(z.object({ code: code, fields: AGENCY_FIELDS }), 'edit', true).returns<AgencyNode>(),
} as const;
