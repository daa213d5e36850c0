import catalogData from './data/catalog.json' with { type: 'json' };
import national from './data/national-2020.json' with { type: 'json' };
import zhejiang from './data/zhejiang-2022.json' with { type: 'json' };
import { LEVELS, type Basis, type CatalogItem, type Level, type QuotaRule, type RuleSet } from './types';

/** A rule as written in the data files: one line per item, quantities per level. */
interface RuleSetFile {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
  rules: { item: string; basis: string; per?: number; atLeast?: boolean; quantity: Partial<Record<Level, number>> }[];
}

export const CATALOG: readonly CatalogItem[] = catalogData.items as CatalogItem[];

/**
 * Aliases earlier versions shipped that name another item too, taken out of ledgers that still carry them:
 * 无人机 is also the small drone O06, 对讲机 any radio, not only the explosion-proof O27.
 */
export const RETIRED_ALIASES: Readonly<Record<string, readonly string[]>> = { S09: ['无人机'], O27: ['对讲机'] };

const RULE_SET_FILES: readonly RuleSetFile[] = [national, zhejiang];

/**
 * Expands a rule-set file into one rule per item and level; a set `basedOn` another takes the
 * parent's rules and replaces the items it lists.
 */
export function expandRuleSet(file: RuleSetFile, parents: ReadonlyMap<string, RuleSet>): RuleSet {
  const own: QuotaRule[] = file.rules.flatMap((r) =>
    LEVELS.filter((level) => r.quantity[level] !== undefined).map((level) => ({
      item: r.item,
      level,
      basis: r.basis as Basis,
      quantity: r.quantity[level]!,
      per: r.per ?? 1,
      ...(r.atLeast ? { atLeast: true } : {}),
    })),
  );
  let rules = own;
  if (file.basedOn) {
    const parent = parents.get(file.basedOn);
    if (!parent) throw new Error(`rule set ${file.id} is based on unknown ${file.basedOn}`);
    const replaced = new Set(own.map((r) => `${r.item}/${r.level}`));
    rules = [...parent.rules.filter((r) => !replaced.has(`${r.item}/${r.level}`)), ...own];
  }
  return { id: file.id, name: file.name, source: file.source, effectiveDate: file.effectiveDate, basedOn: file.basedOn, rules };
}

function shippedRuleSets(): RuleSet[] {
  const done = new Map<string, RuleSet>();
  for (const f of RULE_SET_FILES) done.set(f.id, expandRuleSet(f, done));
  return [...done.values()];
}

/** The rule sets shipped with the app: `national-2020` and `zhejiang-2022`. */
export const SHIPPED_RULE_SETS: readonly RuleSet[] = shippedRuleSets();

export const DEFAULT_RULE_SET = 'national-2020';
