import { eq, sql } from 'drizzle-orm';
import { CATALOG, RETIRED_ALIASES, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import type { CatalogItem, RuleSet } from '../../quotas/types';
import type { Db } from '../types';
import { DEFAULT_TERMS } from '../../quotas/replacement';
import { catalogItems, itemTerms, quotaRules, ruleSets } from '../schema';
import { appendAuditSync } from './audit';

/** Inserts the shipped catalog items and rule sets that the database lacks, and drops retired aliases; never overwrites local edits. */
export function seedReferenceData(db: Db, now: Date = new Date()): void {
  db.transaction((tx) => {
    const stored = tx.select({ code: catalogItems.code, aliases: catalogItems.aliases }).from(catalogItems).all();
    const haveItems = new Set(stored.map((r) => r.code));
    const retired = stored
      .filter((r) => RETIRED_ALIASES[r.code]?.some((a) => r.aliases.includes(a)))
      .map((r) => ({ code: r.code, before: r.aliases, after: r.aliases.filter((a) => !RETIRED_ALIASES[r.code].includes(a)) }));
    const haveSets = new Set(tx.select({ id: ruleSets.id }).from(ruleSets).all().map((r) => r.id));
    const newItems = CATALOG.filter((i) => !haveItems.has(i.code));
    const newSets = SHIPPED_RULE_SETS.filter((s) => !haveSets.has(s.id));
    const haveTerms = new Set(tx.select({ code: itemTerms.itemCode }).from(itemTerms).all().map((r) => r.code));
    const newTerms = DEFAULT_TERMS.filter((t) => !haveTerms.has(t.item));
    if (newItems.length === 0 && newSets.length === 0 && newTerms.length === 0 && retired.length === 0) return;
    const at = now.toISOString();
    for (const r of retired) tx.update(catalogItems).set({ aliases: r.after }).where(eq(catalogItems.code, r.code)).run();
    if (newItems.length) tx.insert(catalogItems).values(newItems.map((i) => ({ ...i }))).run();
    if (newTerms.length) tx.insert(itemTerms).values(newTerms.map(({ item, ...t }) => ({ itemCode: item, ...t, updatedBy: 'system', updatedAt: at }))).run();
    for (const s of newSets) {
      tx.insert(ruleSets).values({ id: s.id, name: s.name, source: s.source, effectiveDate: s.effectiveDate, basedOn: s.basedOn }).run();
      tx.insert(quotaRules)
        .values(s.rules.map((r) => ({ ruleSetId: s.id, itemCode: r.item, level: r.level, basis: r.basis, quantity: r.quantity, per: r.per })))
        .run();
    }
    appendAuditSync(db, { actor: 'system', at }, [
      ...newItems.map((i) => ({ action: 'create' as const, entity: 'catalog_item', entityKey: i.code, after: i, agencies: [] })),
      ...newSets.map((s) => ({ action: 'create' as const, entity: 'rule_set', entityKey: s.id, after: s, agencies: [] })),
      ...newTerms.map((t) => ({ action: 'create' as const, entity: 'item_terms', entityKey: t.item, after: t, agencies: [] })),
      ...retired.map((r) => ({ action: 'update' as const, entity: 'catalog_item', entityKey: r.code, before: { aliases: r.before }, after: { aliases: r.after }, agencies: [] })),
    ]);
  });
}

/** Basic items (S..) first, then optional ones (O..), each in code order. */
export function loadCatalog(db: Db): CatalogItem[] {
  return db.select().from(catalogItems).orderBy(sql`${catalogItems.kind} = 'optional'`, catalogItems.code).all();
}

export function listRuleSets(db: Db) {
  return db.select().from(ruleSets).orderBy(ruleSets.id).all();
}

/** A rule set's name as people read it (国家 2020 年版配备标准), for reports; the id where the ledger has no such set. */
export function ruleSetName(db: Db, id: string): string {
  return (db.$client.prepare('select name from rule_sets where id = ?').pluck().get(id) as string | undefined) ?? id;
}

export function loadRuleSet(db: Db, id: string): RuleSet | null {
  const head = db.select().from(ruleSets).where(eq(ruleSets.id, id)).get();
  if (!head) return null;
  const rules = db.select().from(quotaRules).where(eq(quotaRules.ruleSetId, id)).all();
  return {
    ...head,
    rules: rules.map((r) => ({ item: r.itemCode, level: r.level, basis: r.basis, quantity: r.quantity, per: r.per })),
  };
}
