import { required, type AgencyFacts } from '../quotas/engine';
import type { Level, QuotaRule } from '../quotas/types';

/** What a field team takes along: vehicles (1 per 5), mobile kits (1 per 4) and recorders (1 each), by the standard's ratios. */
export const TEAM_ITEMS = ['S01', 'S02', 'S04'] as const;

/**
 * The demand of a team of `size` people, from the per-person rules of the rule set at the lead
 * agency's level: 12 people need 3 vehicles, 3 kits and 12 recorders under the 2020 standard.
 */
export function teamDemand(size: number, level: Level, rules: ReadonlyMap<string, QuotaRule>): Record<string, number> {
  const team: AgencyFacts = { code: '', level, staff: size, offices: 0, parentCode: null };
  const out: Record<string, number> = {};
  for (const item of TEAM_ITEMS) {
    const rule = rules.get(`${item}/${level}`);
    if (rule?.basis !== 'per_staff') continue;
    const n = required(rule, team);
    if (n > 0) out[item] = n;
  }
  return out;
}
