export type Level = 'province' | 'city' | 'county';
export const LEVELS: readonly Level[] = ['province', 'city', 'county'];

/** A parent agency must rank above its children: province 0, city 1, county 2. */
export const LEVEL_RANK: Record<Level, number> = { province: 0, city: 1, county: 2 };

/** An enforcement agency (执法机构) as the ledger keeps it. */
export interface AgencyRecord {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  /** Enforcement staff (执法人员数). */
  staff: number;
  authorizedPosts: number | null;
  offices: number;
  longitude: number | null;
  latitude: number | null;
}

export type ItemKind = 'basic' | 'optional';

export interface CatalogItem {
  code: string;
  category: string;
  name: string;
  unit: string;
  kind: ItemKind;
  /** Measuring instruments count as usable only while their verification certificate is valid. */
  needsCalibration: boolean;
  aliases: string[];
}

export type Basis = 'per_staff' | 'per_agency' | 'per_office';

/** One quota: `quantity` units per `per` staff (per_staff), per agency, or per office. */
export interface QuotaRule {
  item: string;
  level: Level;
  basis: Basis;
  quantity: number;
  per: number;
}

export interface RuleSet {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
  rules: QuotaRule[];
}
