import { z } from 'zod';
import { addDays, type IsoDate } from '../dates';
import { code, dateOf, fenOf, itemCode } from './values';

/** A service contract as entered: who signed it, with whom, what it supplies to which agencies, when, and at what cost a year. */
export const CONTRACT_FIELDS = z
  .object({
    /** The agency that signed it; the agencies covered lie within its subtree. */
    agency: code,
    provider: z.string().trim().min(1, '服务商必填').max(100, '服务商名称最多 100 字'),
    reference: z.string().trim().max(50, '合同编号最多 50 字').nullable(),
    validFrom: dateOf('服务开始日期'),
    validTo: dateOf('服务结束日期'),
    costPerYearFen: fenOf('年服务费', 1e12),
    /** Units of each item every covered agency gets. */
    items: z.array(z.object({ item: itemCode, quantity: z.number().int('数量应为整数').min(1, '数量至少为 1').max(10_000, '数量最多 10000') }))
      .min(1, '请至少填写一个服务品目').max(100),
    agencies: z.array(code).min(1, '请至少选择一个受服务机构').max(2000),
    note: z.string().trim().max(2000).nullable(),
  })
  .strict()
  .refine((c) => c.validTo >= c.validFrom, { path: ['validTo'], message: '服务结束日期不能早于开始日期' })
  .refine((c) => new Set(c.items.map((i) => i.item)).size === c.items.length, { path: ['items'], message: '同一装备品目只能填一行' })
  .refine((c) => new Set(c.agencies).size === c.agencies.length, { path: ['agencies'], message: '同一受服务机构只能选一次' });
export type ContractFields = z.infer<typeof CONTRACT_FIELDS>;

export interface ContractRow extends ContractFields {
  id: number;
  agencyName: string;
  /** The covered agencies the reader may see, by name; `hiddenAgencies` more lie outside their scope. */
  agencyNames: string[];
  hiddenAgencies: number;
  createdBy: string;
  createdAt: string;
  /** As of today: not begun, in force, in force and ending within `DUE_WINDOW_DAYS`, or ended. */
  state: ContractState;
  /** The reader may change or remove it: the signing agency and every covered one lie in their scope. */
  mine: boolean;
}

export type ContractState = 'future' | 'active' | 'ending' | 'ended';

/** What falls due within this many days shows on the overview: calibrations, maintenance, and a contract's last day. */
export const DUE_WINDOW_DAYS = 30;

export function contractState(c: Pick<ContractFields, 'validFrom' | 'validTo'>, today: IsoDate): ContractState {
  if (c.validFrom > today) return 'future';
  if (c.validTo < today) return 'ended';
  return c.validTo <= addDays(today, DUE_WINDOW_DAYS) ? 'ending' : 'active';
}

export const CONTRACT_STATE_NAMES: Record<ContractState, string> = { future: '未开始', active: '服务中', ending: '即将到期', ended: '已到期' };
