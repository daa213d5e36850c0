import { sql } from 'kysely';
import { DEFAULT_PRICE_NOTE, type ItemTerms } from '../../quotas/replacement';
import type { LiveUnit } from '../../quotas/budget';
import { inList, type Tx } from '../store';
import { actorDay, appendAudit, type Actor, type AuditEntry } from './audit';

/** Unit price and replacement rule of every catalog item, by item code. */
export async function loadTerms(tx: Tx): Promise<Map<string, ItemTerms>> {
  const rows = await tx.all<ItemTerms>(sql`select item_code as item, unit_price_fen as "unitPriceFen", price_note as "priceNote",
    service_years as "serviceYears", service_km as "serviceKm", life_note as "lifeNote" from item_terms order by item_code`);
  return new Map(rows.map((t) => [t.item, t]));
}

const TERM_FIELDS = ['unitPriceFen', 'priceNote', 'serviceYears', 'serviceKm', 'lifeNote'] as const;

/**
 * Stores changed terms, each change in the audit log with before and after; returns how many changed.
 * Call inside a write transaction; every item must have terms (check against `loadTerms` first).
 */
export async function saveTerms(tx: Tx, who: Actor, terms: readonly ItemTerms[]): Promise<number> {
  const known = await loadTerms(tx);
  const audit: AuditEntry[] = [];
  for (const given of terms) {
    const before = known.get(given.item);
    if (!before) throw new Error(`no terms for item ${given.item}`);
    // A price the user sets is no longer the shipped estimate: unless they wrote their own note, the note says who set it and when.
    const t = given.unitPriceFen !== before.unitPriceFen && given.priceNote === before.priceNote && before.priceNote === DEFAULT_PRICE_NOTE
      ? { ...given, priceNote: `用户修改(${who.actor},${actorDay(who)})` }
      : given;
    if (TERM_FIELDS.every((f) => before[f] === t[f])) continue;
    await tx.run(sql`update item_terms set unit_price_fen = ${t.unitPriceFen}, price_note = ${t.priceNote}, service_years = ${t.serviceYears},
      service_km = ${t.serviceKm}, life_note = ${t.lifeNote}, updated_by = ${who.actor}, updated_at = ${who.at} where item_code = ${t.item}`);
    audit.push({ action: 'update', entity: 'item_terms', entityKey: t.item, before, after: t, agencies: [] });
  }
  await appendAudit(tx, who, audit);
  return audit.length;
}

/** Every unit not scrapped (with `only`, of those agencies, by id), with what the replacement rules read. */
export function liveUnits(tx: Tx, only: readonly number[] | null = null): Promise<LiveUnit[]> {
  return tx.all<LiveUnit>(sql`select a.code as agency, s.item_code as item, s.purchase_date as "purchaseDate", s.odometer_km as "odometerKm"
    from assets s join agencies a on a.id = s.agency_id where s.status <> 'scrapped'${only === null ? sql`` : sql` and ${inList(tx, sql.ref('s.agency_id'), only)}`}`);
}
