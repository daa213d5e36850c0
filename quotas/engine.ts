import { LEVELS, type CatalogItem, type Level, type QuotaRule, type RuleSet } from './types';

export interface AgencyFacts {
  code: string;
  level: Level;
  /** Enforcement staff (执法人员数). */
  staff: number;
  offices: number;
  parentCode: string | null;
}

export interface QuotaRow {
  agency: string;
  item: string;
  required: number;
  held: number;
  usable: number;
  shortfall: number;
  surplus: number;
  /** Units a valid service contract supplies, counted against the quota where the edition lets a service meet it; not held. */
  contracted: number;
}

/**
 * Asset counts per agency x catalog item, cell `a * catalog.length + i` for the a-th agency and
 * i-th item: held = not scrapped; active = in service or idle; activeCalibrated = active with a
 * calibration valid on the reference date; contracted = supplied by service contracts valid then.
 */
export interface HoldingMatrix {
  held: Int32Array;
  active: Int32Array;
  activeCalibrated: Int32Array;
  contracted: Int32Array;
}

export function emptyHoldings(agencies: number, items: number): HoldingMatrix {
  const n = agencies * items;
  return { held: new Int32Array(n), active: new Int32Array(n), activeCalibrated: new Int32Array(n), contracted: new Int32Array(n) };
}

const FIELDS = ['required', 'held', 'usable', 'shortfall', 'surplus', 'contracted'] as const;
const WIDTH = FIELDS.length;

/**
 * Quota figures per agency x item: `values[(a * catalog.length + i) * 6 + f]` for field f of FIELDS. Per cell
 * `a * catalog.length + i`, `optional` marks those with no quota to meet (the item is optional in the catalog, or the
 * edition makes it so at the agency's level), `service` those whose quota a service contract may meet.
 */
export interface QuotaMatrix {
  agencies: readonly AgencyFacts[];
  catalog: readonly CatalogItem[];
  values: Float64Array;
  optional: Uint8Array;
  service: Uint8Array;
}

export function required(rule: QuotaRule | undefined, agency: AgencyFacts): number {
  if (!rule || rule.optional) return 0;
  switch (rule.basis) {
    case 'per_staff':
      return Math.ceil((Math.max(0, agency.staff) * rule.quantity) / rule.per);
    case 'per_agency':
      return rule.quantity;
    case 'per_office':
      return rule.quantity * Math.max(0, agency.offices);
  }
}

export function indexRules(ruleSet: RuleSet): ReadonlyMap<string, QuotaRule> {
  return new Map(ruleSet.rules.map((r) => [`${r.item}/${r.level}`, r]));
}

/**
 * Where an edition retires an item for a successor: the index of each retired item's successor. An item is retired
 * under a rule set that sets quotas for an item succeeding it and none for it; its units count as the successor's
 * (the first, by catalog order, where it was split in two).
 */
export function carriedItems(catalog: readonly CatalogItem[], ruleSet: RuleSet): Map<number, number> {
  const ruled = new Set(ruleSet.rules.map((r) => r.item));
  const index = new Map(catalog.map((c, i) => [c.code, i]));
  const out = new Map<number, number>();
  catalog.forEach((c, i) => {
    const from = c.succeeds ? index.get(c.succeeds) : undefined;
    if (from !== undefined && ruled.has(c.code) && !ruled.has(c.succeeds!) && !out.has(from)) out.set(from, i);
  });
  return out;
}

/**
 * Measures every agency against the rule for its own level. Optional items have no quota:
 * required 0, never a shortfall. Instruments that need calibration are usable only while it is valid.
 * A retired item's units are counted under its successor (`carriedItems`), and under it no more.
 * Units a service contract supplies meet the quota where the rule lets a service meet it, and are shown apart.
 */
export function measure(agencies: readonly AgencyFacts[], catalog: readonly CatalogItem[], ruleSet: RuleSet, h: HoldingMatrix): QuotaMatrix {
  const rules = indexRules(ruleSet);
  const byLevel = new Map(LEVELS.map((level) => [level, catalog.map((item) => (item.kind === 'optional' ? undefined : rules.get(`${item.code}/${level}`)))]));
  const n = catalog.length;
  const carried = carriedItems(catalog, ruleSet);
  const values = new Float64Array(agencies.length * n * WIDTH);
  const optional = new Uint8Array(agencies.length * n);
  const service = new Uint8Array(agencies.length * n);
  const held = new Float64Array(n);
  const usable = new Float64Array(n);
  const contracted = new Float64Array(n);
  agencies.forEach((agency, a) => {
    const levelRules = byLevel.get(agency.level)!;
    for (let i = 0; i < n; i++) {
      held[i] = h.held[a * n + i];
      usable[i] = catalog[i].needsCalibration ? h.activeCalibrated[a * n + i] : h.active[a * n + i];
      contracted[i] = h.contracted[a * n + i];
    }
    for (const [from, to] of carried) {
      held[to] += held[from];
      // The units keep their own state: an instrument without a valid certificate stays unusable under its successor.
      usable[to] += usable[from];
      contracted[to] += contracted[from];
      held[from] = usable[from] = contracted[from] = 0;
    }
    for (let i = 0; i < n; i++) {
      const rule = levelRules[i];
      const req = required(rule, agency);
      const covered = rule?.service ? Math.min(contracted[i], Math.max(0, req - held[i])) : 0;
      const b = (a * n + i) * WIDTH;
      values[b] = req;
      values[b + 1] = held[i];
      values[b + 2] = usable[i];
      values[b + 3] = Math.max(0, req - held[i] - covered);
      values[b + 4] = Math.max(0, held[i] - req);
      values[b + 5] = covered;
      optional[a * n + i] = catalog[i].kind === 'optional' || rule?.optional ? 1 : 0;
      service[a * n + i] = rule?.service ? 1 : 0;
    }
  });
  return { agencies, catalog, values, optional, service };
}

/** The codes of an agency and all its descendants. */
export function subtreeCodes(agencies: readonly Pick<AgencyFacts, 'code' | 'parentCode'>[], root: string): Set<string> {
  const out = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of agencies) if (a.parentCode !== null && out.has(a.parentCode) && !out.has(a.code)) (out.add(a.code), (grew = true));
  }
  return out;
}

/** Agency indices ordered so that every agency comes after all of its descendants. */
function childrenFirst(agencies: readonly AgencyFacts[], index: ReadonlyMap<string, number>): number[] {
  const parentOf = agencies.map((a) => (a.parentCode === null ? -1 : (index.get(a.parentCode) ?? -1)));
  const depth = new Int32Array(agencies.length).fill(-1);
  const depthOf = (start: number): number => {
    const path: number[] = [];
    for (let i = start; depth[i] < 0; i = parentOf[i]) {
      if (path.includes(i)) throw new Error(`agency hierarchy has a cycle through ${agencies[i].code}`);
      path.push(i);
      if (parentOf[i] < 0) {
        depth[path.pop()!] = 0;
        break;
      }
    }
    for (let k = path.length - 1; k >= 0; k--) depth[path[k]] = depth[parentOf[path[k]]] + 1;
    return depth[start];
  };
  return agencies.map((_, i) => i).sort((x, y) => depthOf(y) - depthOf(x));
}

/**
 * For each agency, the sums over its subtree (itself and every descendant) of `span` values per
 * agency, laid out agency by agency: one agency's surplus never offsets another's shortfall.
 */
export function subtreeSums(agencies: readonly AgencyFacts[], values: Float64Array, span: number): Float64Array {
  const index = new Map(agencies.map((a, i) => [a.code, i]));
  const out = values.slice();
  for (const a of childrenFirst(agencies, index)) {
    const parentCode = agencies[a].parentCode;
    const p = parentCode === null ? undefined : index.get(parentCode);
    if (p === undefined) continue;
    for (let k = 0; k < span; k++) out[p * span + k] += out[a * span + k];
  }
  return out;
}

/** Each agency measured at its own level, summed over its subtree. */
export function rollUp(m: QuotaMatrix): QuotaMatrix {
  return { ...m, values: subtreeSums(m.agencies, m.values, m.catalog.length * WIDTH) };
}

/** Field `field` of the cell of agency `a`, catalog item `i`. */
export function cellValue(m: QuotaMatrix, a: number, i: number, field: (typeof FIELDS)[number]): number {
  return m.values[(a * m.catalog.length + i) * WIDTH + FIELDS.indexOf(field)];
}

/** The matrix as rows, agency by agency in catalog order; only the given agency's when named. */
export function quotaRows(m: QuotaMatrix, agencyCode?: string): QuotaRow[] {
  const rows: QuotaRow[] = [];
  const n = m.catalog.length;
  m.agencies.forEach((agency, a) => {
    if (agencyCode !== undefined && agency.code !== agencyCode) return;
    for (let i = 0; i < n; i++) {
      const b = (a * n + i) * WIDTH;
      const v = m.values;
      rows.push({ agency: agency.code, item: m.catalog[i].code, required: v[b], held: v[b + 1], usable: v[b + 2], shortfall: v[b + 3], surplus: v[b + 4], contracted: v[b + 5] });
    }
  });
  return rows;
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
export function countHoldings(assets: Iterable<AssetFacts>, date: string, agencies: readonly AgencyFacts[], catalog: readonly CatalogItem[]): HoldingMatrix {
  const agencyIndex = new Map(agencies.map((a, i) => [a.code, i]));
  const itemIndex = new Map(catalog.map((c, i) => [c.code, i]));
  const h = emptyHoldings(agencies.length, catalog.length);
  for (const a of assets) {
    if (a.status === 'scrapped') continue;
    const cell = agencyIndex.get(a.agency)! * catalog.length + itemIndex.get(a.item)!;
    h.held[cell]++;
    if (a.status === 'in_service' || a.status === 'idle') {
      h.active[cell]++;
      if (a.calibrationValidUntil !== null && a.calibrationValidUntil >= date) h.activeCalibrated[cell]++;
    }
  }
  return h;
}
