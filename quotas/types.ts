import type { Level } from '../lib/domain/agencies';

export { LEVEL_RANK, LEVELS, type AgencyRecord, type Level } from '../lib/domain/agencies';

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
  /** The technical parameters an edition asks of it, as its table writes them. */
  parameters?: string | null;
  /** The item it takes over from: under an edition that sets quotas for this item and none for that one, that one's units count as this one's. */
  succeeds?: string | null;
  /** The edition whose import added it; absent for the standard's own items. */
  addedBy?: string | null;
}

export type Basis = 'per_staff' | 'per_agency' | 'per_office';

/**
 * One quota: `quantity` units per `per` staff (per_staff), per agency, or per office. Written as the standard
 * writes it: `atLeast` for 「≥1/机构」 (a minimum a locality may raise; measured the same), `optional` for an item
 * the edition makes 选配 at that level (no quantity: never a shortfall, replaced like for like), `service` where the
 * edition lets the quota be met by buying a third-party service (购买第三方服务) instead of owning the units.
 */
export interface QuotaRule {
  item: string;
  level: Level;
  basis: Basis;
  quantity: number;
  per: number;
  atLeast?: boolean;
  optional?: boolean;
  service?: boolean;
}

export interface RuleSet {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
  rules: QuotaRule[];
}
