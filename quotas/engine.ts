import type { CatalogItem, Level, QuotaRule, RuleSet } from './types';

export interface AgencyFacts {
  code: string;
  level: Level;
  /** Enforcement staff (执法人员数). */
  staff: number;
  offices: number;
  parentCode: string | null;
}

/** Counts of one agency's assets of one item. */
export interface Holding {
  /** Not scrapped. */
  held: number;
  /** In service or idle. */
  active: number;
  /** In service or idle with a calibration valid on the reference date. */
  activeCalibrated: number;
}

export interface QuotaRow {
  agency: string;
  item: string;
  required: number;
  held: number;
  usable: number;
  shortfall: number;
  surplus: number;
}

export const NO_HOLDING: Holding = { held: 0, active: 0, activeCalibrated: 0 };

export function required(rule: QuotaRule | undefined, agency: AgencyFacts): number {
  if (!rule) return 0;
  switch (rule.basis) {
    case 'per_staff':
      return Math.ceil((Math.max(0, agency.staff) * rule.quantity) / rule.per);
    case 'per_agency':
      return rule.quantity;
    case 'per_office':
      return rule.quantity * Math.max(0, agency.offices);
  }
}

export type RuleIndex = ReadonlyMap<string, QuotaRule>;

export function indexRules(ruleSet: RuleSet): RuleIndex {
  return new Map(ruleSet.rules.map((r) => [`${r.item}/${r.level}`, r]));
}

/** One agency's row for one item, measured against the rule for the agency's own level. */
export function quotaRow(agency: AgencyFacts, item: CatalogItem, rules: RuleIndex, h: Holding): QuotaRow {
  const req = item.kind === 'optional' ? 0 : required(rules.get(`${item.code}/${agency.level}`), agency);
  return {
    agency: agency.code,
    item: item.code,
    required: req,
    held: h.held,
    usable: item.needsCalibration ? h.activeCalibrated : h.active,
    shortfall: Math.max(0, req - h.held),
    surplus: Math.max(0, h.held - req),
  };
}

/** holdings: agency code -> item code -> counts. */
export type Holdings = ReadonlyMap<string, ReadonlyMap<string, Holding>>;

/** Every agency x every catalog item, each agency at its own level. */
export function shortfallRows(
  agencies: readonly AgencyFacts[],
  catalog: readonly CatalogItem[],
  ruleSet: RuleSet,
  holdings: Holdings,
): QuotaRow[] {
  const rules = indexRules(ruleSet);
  const rows: QuotaRow[] = [];
  for (const a of agencies) {
    const byItem = holdings.get(a.code);
    for (const item of catalog) rows.push(quotaRow(a, item, rules, byItem?.get(item.code) ?? NO_HOLDING));
  }
  return rows;
}

/**
 * For each agency, the sums over its subtree (itself and every descendant), each agency having
 * been measured at its own level: one agency's surplus never offsets another's shortfall.
 * `rows` must hold the per-agency rows of every agency in `agencies`.
 */
export function rollUp(agencies: readonly AgencyFacts[], rows: readonly QuotaRow[]): QuotaRow[] {
  const children = new Map<string, string[]>();
  for (const a of agencies) {
    if (a.parentCode === null) continue;
    const list = children.get(a.parentCode);
    if (list) list.push(a.code);
    else children.set(a.parentCode, [a.code]);
  }
  const own = new Map<string, QuotaRow[]>();
  for (const r of rows) {
    const list = own.get(r.agency);
    if (list) list.push(r);
    else own.set(r.agency, [r]);
  }

  const totals = new Map<string, Map<string, QuotaRow>>();
  const visit = (code: string, trail: Set<string>): Map<string, QuotaRow> => {
    const done = totals.get(code);
    if (done) return done;
    if (trail.has(code)) throw new Error(`agency hierarchy has a cycle through ${code}`);
    trail.add(code);
    const sum = new Map<string, QuotaRow>();
    const add = (r: QuotaRow) => {
      const s = sum.get(r.item);
      if (!s) {
        sum.set(r.item, { ...r, agency: code });
        return;
      }
      s.required += r.required;
      s.held += r.held;
      s.usable += r.usable;
      s.shortfall += r.shortfall;
      s.surplus += r.surplus;
    };
    for (const r of own.get(code) ?? []) add(r);
    for (const child of children.get(code) ?? []) for (const r of visit(child, trail).values()) add(r);
    trail.delete(code);
    totals.set(code, sum);
    return sum;
  };

  return agencies.flatMap((a) => [...visit(a.code, new Set()).values()]);
}

export interface AssetFacts {
  agency: string;
  item: string;
  status: 'in_service' | 'under_repair' | 'idle' | 'scrapped';
  calibrationValidUntil: string | null;
}

/**
 * Counts assets into holdings as of `date`: a calibration counts while `validUntil >= date`; an
 * item needing calibration with no recorded certificate is not usable.
 */
export function countHoldings(assets: Iterable<AssetFacts>, date: string): Map<string, Map<string, Holding>> {
  const out = new Map<string, Map<string, Holding>>();
  for (const a of assets) {
    if (a.status === 'scrapped') continue;
    let byItem = out.get(a.agency);
    if (!byItem) out.set(a.agency, (byItem = new Map()));
    let h = byItem.get(a.item);
    if (!h) byItem.set(a.item, (h = { held: 0, active: 0, activeCalibrated: 0 }));
    h.held++;
    if (a.status === 'in_service' || a.status === 'idle') {
      h.active++;
      if (a.calibrationValidUntil !== null && a.calibrationValidUntil >= date) h.activeCalibrated++;
    }
  }
  return out;
}
