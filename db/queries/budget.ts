import { DEFAULT_PRICE_NOTE, type ItemTerms } from '../../quotas/replacement';
import type { LiveUnit } from '../../quotas/budget';
import type { Db } from '../types';
import { actorDay, appendAuditSync, type Actor } from './audit';

const TERMS_SELECT = `select item_code as item, unit_price_fen as unitPriceFen, price_note as priceNote, service_years as serviceYears,
  service_km as serviceKm, life_note as lifeNote from item_terms`;

/** Unit price and replacement rule of every catalog item, by item code. */
export function loadTerms(db: Db): Map<string, ItemTerms> {
  return new Map((db.$client.prepare(TERMS_SELECT).all() as ItemTerms[]).map((t) => [t.item, t]));
}

const TERM_FIELDS = ['unitPriceFen', 'priceNote', 'serviceYears', 'serviceKm', 'lifeNote'] as const;

/** Stores changed terms in one transaction, each change in the audit log with before and after; returns how many changed. */
export function saveTerms(db: Db, who: Actor, terms: readonly ItemTerms[]): number {
  return db.$client.transaction(() => {
    const known = loadTerms(db);
    const update = db.$client.prepare(
      `update item_terms set unit_price_fen = ?, price_note = ?, service_years = ?, service_km = ?, life_note = ?, updated_by = ?, updated_at = ? where item_code = ?`,
    );
    let changed = 0;
    for (const given of terms) {
      const before = known.get(given.item);
      if (!before) throw new Error(`no terms for item ${given.item}`);
      // A price the user sets is no longer the shipped estimate: unless they wrote their own note, the note says who set it and when.
      const t = given.unitPriceFen !== before.unitPriceFen && given.priceNote === before.priceNote && before.priceNote === DEFAULT_PRICE_NOTE
        ? { ...given, priceNote: `用户修改(${who.actor},${actorDay(who)})` }
        : given;
      if (TERM_FIELDS.every((f) => before[f] === t[f])) continue;
      update.run(t.unitPriceFen, t.priceNote, t.serviceYears, t.serviceKm, t.lifeNote, who.actor, who.at, t.item);
      appendAuditSync(db, who, [{ action: 'update', entity: 'item_terms', entityKey: t.item, before, after: t, agencies: [] }]);
      changed++;
    }
    return changed;
  })();
}

/** Every unit not scrapped, with what the replacement rules read. */
export function liveUnits(db: Db): LiveUnit[] {
  return db.$client.prepare(
    `select a.code as agency, s.item_code as item, s.purchase_date as purchaseDate, s.odometer_km as odometerKm
     from assets s join agencies a on a.id = s.agency_id where s.status <> 'scrapped'`,
  ).all() as LiveUnit[];
}
