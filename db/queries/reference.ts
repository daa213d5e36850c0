import { sql } from 'kysely';
import { CATALOG, RETIRED_ALIASES, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import type { CatalogItem, QuotaRule, RuleSet } from '../../quotas/types';
import type { Db } from '../types';
import { DEFAULT_TERMS, unpricedTerms, type ItemTerms } from '../../quotas/replacement';
import { runSteps, runStepsSync, type Steps, type Tx } from '../store';
import { appendAudit, auditSteps, type Actor } from './audit';
import { UserError } from '../../lib/problems';

/**
 * Inserts the shipped catalog items, rule sets and item terms that the database lacks, and drops retired
 * aliases; never overwrites local edits. Written as steps, so opening a ledger file seeds it at once and the
 * provincial database is seeded on its store.
 */
function* seedSteps(now: Date): Steps<void> {
  const stored = (yield sql`select code, aliases from catalog_items`) as { code: string; aliases: string }[];
  const haveItems = new Set(stored.map((r) => r.code));
  const retired = stored
    .map((r) => ({ code: r.code, aliases: JSON.parse(r.aliases) as string[] }))
    .filter((r) => RETIRED_ALIASES[r.code]?.some((a) => r.aliases.includes(a)))
    .map((r) => ({ code: r.code, before: r.aliases, after: r.aliases.filter((a) => !RETIRED_ALIASES[r.code].includes(a)) }));
  const haveSets = new Set(((yield sql`select id from rule_sets`) as { id: string }[]).map((r) => r.id));
  const haveTerms = new Set(((yield sql`select item_code as code from item_terms`) as { code: string }[]).map((r) => r.code));
  const newItems = CATALOG.filter((i) => !haveItems.has(i.code));
  const newSets = SHIPPED_RULE_SETS.filter((s) => !haveSets.has(s.id));
  // Items an edition added before they were given terms on adding, priced by nobody yet.
  const added = stored.filter((r) => !haveTerms.has(r.code) && !DEFAULT_TERMS.some((t) => t.item === r.code)).map((r) => unpricedTerms(r.code));
  const newTerms = [...DEFAULT_TERMS.filter((t) => !haveTerms.has(t.item)), ...added];
  if (newItems.length === 0 && newSets.length === 0 && newTerms.length === 0 && retired.length === 0) return;
  const at = now.toISOString();
  for (const r of retired) yield sql`update catalog_items set aliases = ${JSON.stringify(r.after)} where code = ${r.code}`;
  if (newItems.length) {
    yield sql`insert into catalog_items (code, category, name, unit, kind, needs_calibration, aliases) values ${sql.join(newItems.map((i) =>
      sql`(${i.code}, ${i.category}, ${i.name}, ${i.unit}, ${i.kind}, ${i.needsCalibration ? 1 : 0}, ${JSON.stringify(i.aliases)})`))}`;
  }
  if (newTerms.length) {
    yield insertTerms(newTerms, 'system', at);
  }
  for (const s of newSets) {
    yield sql`insert into rule_sets (id, name, source, effective_date, based_on) values (${s.id}, ${s.name}, ${s.source}, ${s.effectiveDate ?? null}, ${s.basedOn ?? null})`;
    yield insertRules(s);
  }
  yield* auditSteps({ actor: 'system', at }, [
    ...newItems.map((i) => ({ action: 'create' as const, entity: 'catalog_item', entityKey: i.code, after: i, agencies: [] })),
    ...newSets.map((s) => ({ action: 'create' as const, entity: 'rule_set', entityKey: s.id, after: s, agencies: [] })),
    ...newTerms.map((t) => ({ action: 'create' as const, entity: 'item_terms', entityKey: t.item, after: t, agencies: [] })),
    ...retired.map((r) => ({ action: 'update' as const, entity: 'catalog_item', entityKey: r.code, before: { aliases: r.before }, after: { aliases: r.after }, agencies: [] })),
  ]);
}

/** Seeds the reference data inside a write transaction (the provincial database, on start). */
export function seedReferenceData(tx: Tx, now: Date): Promise<void> {
  return runSteps(tx, seedSteps(now));
}

/** Seeds an embedded ledger file as it is opened, in one transaction. */
export function seedReferenceDataSync(db: Db, now: Date = new Date()): void {
  db.$client.transaction(() => runStepsSync(db, seedSteps(now)))();
}

type StoredItem = Omit<CatalogItem, 'needsCalibration' | 'aliases'> & { needsCalibration: number; aliases: string };
const item = (r: StoredItem): CatalogItem => ({ ...r, needsCalibration: r.needsCalibration === 1, aliases: JSON.parse(r.aliases) });

/** Basic items first, then optional ones; in each, the standard's own (S.., O..) before those editions added, each in code order. */
export async function loadCatalog(tx: Tx): Promise<CatalogItem[]> {
  const rows = await tx.all<StoredItem>(sql`select code, category, name, unit, kind, needs_calibration as "needsCalibration", aliases,
    parameters, succeeds, added_by as "addedBy"
    from catalog_items order by case when kind = 'optional' then 1 else 0 end, case when added_by is null then 0 else 1 end, code`);
  return rows.map(item);
}

function insertTerms(terms: readonly ItemTerms[], by: string, at: string) {
  return sql`insert into item_terms (item_code, unit_price_fen, price_note, service_years, service_km, life_note, updated_by, updated_at)
    values ${sql.join(terms.map((t) => sql`(${t.item}, ${t.unitPriceFen}, ${t.priceNote}, ${t.serviceYears}, ${t.serviceKm}, ${t.lifeNote}, ${by}, ${at})`))}`;
}

type StoredRule = Omit<QuotaRule, 'atLeast' | 'optional' | 'service'> & { atLeast: number; optional: number; service: number };
/** A stored quota with its flags where they are set, as the edition's file reads it. */
function rule({ atLeast, optional, service, ...r }: StoredRule): QuotaRule {
  return { ...r, ...(atLeast === 1 && { atLeast: true }), ...(optional === 1 && { optional: true }), ...(service === 1 && { service: true }) };
}

function insertRules(set: RuleSet) {
  return sql`insert into quota_rules (rule_set_id, item_code, level, basis, quantity, per, at_least, optional, service) values ${sql.join(set.rules.map((r) =>
    sql`(${set.id}, ${r.item}, ${r.level}, ${r.basis}, ${r.quantity}, ${r.per}, ${r.atLeast ? 1 : 0}, ${r.optional ? 1 : 0}, ${r.service ? 1 : 0})`))}`;
}

export interface RuleSetHead {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
}

const HEAD = sql`select id, name, source, effective_date as "effectiveDate", based_on as "basedOn" from rule_sets`;

export function listRuleSets(tx: Tx): Promise<RuleSetHead[]> {
  return tx.all<RuleSetHead>(sql`${HEAD} order by id`);
}

/** A rule set's name as people read it (国家 2020 年版配备标准), for reports; the id where the ledger has no such set. */
export async function ruleSetName(tx: Tx, id: string): Promise<string> {
  return (await tx.get<{ name: string }>(sql`select name from rule_sets where id = ${id}`))?.name ?? id;
}

export async function loadRuleSet(tx: Tx, id: string): Promise<RuleSet | null> {
  const head = await tx.get<RuleSetHead>(sql`${HEAD} where id = ${id}`);
  if (!head) return null;
  const rows = await tx.all<StoredRule>(sql`select item_code as item, level, basis, quantity, per, at_least as "atLeast", optional, service
    from quota_rules where rule_set_id = ${id} order by item_code, level`);
  return { ...head, rules: rows.map(rule) };
}



/**
 * Adds an edition's new items to the catalog, or changes those it added before; an item of the catalog's own, or another
 * edition's, is never changed (one added meanwhile by another import is refused by name).
 */
async function saveEditionItems(tx: Tx, who: Actor, edition: string, items: readonly CatalogItem[]): Promise<void> {
  const stored = new Map((await loadCatalog(tx)).map((c) => [c.code, c]));
  for (const i of items) {
    const before = stored.get(i.code);
    if (before && before.addedBy !== edition) {
      throw new UserError([{ field: 'items', message: `品目代码「${i.code}」已是目录中的「${before.name}」(${before.addedBy ? `由配备标准「${before.addedBy}」新增` : '装备目录自带'}),不能再作为新增品目` }]);
    }
    const values = { category: i.category, name: i.name, unit: i.unit, kind: i.kind, needsCalibration: i.needsCalibration, parameters: i.parameters ?? null, succeeds: i.succeeds ?? null };
    if (before && Object.entries(values).every(([k, v]) => before[k as keyof typeof values] === v)) continue;
    const measured = (['kind', 'unit', 'needsCalibration'] as const).filter((k) => before && before[k] !== values[k]);
    if (measured.length) {
      // Other editions count this item's units by what it is: a change of kind, unit or calibration would change their measurement too.
      const others = (await tx.all<{ id: string }>(sql`select distinct rule_set_id as id from quota_rules where item_code = ${i.code} and rule_set_id <> ${edition}
        order by rule_set_id`)).map((r) => r.id);
      if (others.length) {
        throw new UserError([{ field: 'items', message: `品目「${i.code} ${before!.name}」也用于配备标准「${others.join('、')}」,不能改变其${measured.map((k) => ITEM_FIELD_WORDS[k]).join('、')};如需不同的品目,请另立代码并以「替代品目」承接` }]);
      }
    }
    if (before) {
      await tx.run(sql`update catalog_items set category = ${values.category}, name = ${values.name}, unit = ${values.unit}, kind = ${values.kind},
        needs_calibration = ${values.needsCalibration ? 1 : 0}, parameters = ${values.parameters}, succeeds = ${values.succeeds} where code = ${i.code}`);
    } else {
      await tx.run(sql`insert into catalog_items (code, category, name, unit, kind, needs_calibration, aliases, parameters, succeeds, added_by)
        values (${i.code}, ${values.category}, ${values.name}, ${values.unit}, ${values.kind}, ${values.needsCalibration ? 1 : 0}, '[]', ${values.parameters}, ${values.succeeds}, ${edition})`);
      await tx.run(insertTerms([unpricedTerms(i.code)], who.actor, who.at));
    }
    await appendAudit(tx, who, before
      ? [{ action: 'update', entity: 'catalog_item', entityKey: i.code, before, after: { ...before, ...values }, agencies: [] }]
      : [{ action: 'create', entity: 'catalog_item', entityKey: i.code, after: { code: i.code, ...values, addedBy: edition }, agencies: [] },
        { action: 'create', entity: 'item_terms', entityKey: i.code, after: unpricedTerms(i.code), agencies: [] }]);
  }
}

const ITEM_FIELD_WORDS = { kind: '标配或选配(是否设配备数量)', unit: '计量单位', needsCalibration: '是否计量器具' } as const;

/** The rule sets the app ships; a ledger keeps them as shipped. */
export const SHIPPED_RULE_SET_IDS: ReadonlySet<string> = new Set(SHIPPED_RULE_SETS.map((s) => s.id));

/**
 * Stores a rule set under a new id, or in place of one the ledger's users stored when `replace` is asked;
 * the shipped ones are never replaced. One write with its audit entry: all of it, or nothing.
 */
export async function saveRuleSet(tx: Tx, who: Actor, set: RuleSet, replace: boolean, items: readonly CatalogItem[] = []): Promise<{ replaced: boolean }> {
  if (SHIPPED_RULE_SET_IDS.has(set.id)) {
    throw new UserError([{ field: 'id', message: `「${set.id}」是随软件提供的配备标准,不能替换;请为导入的版本另取编号` }]);
  }
  const before = await loadRuleSet(tx, set.id);
  if (before && !replace) {
    throw new UserError([{ field: 'id', message: `配备标准「${set.id}」(${before.name})已存在;请另取编号,或明确要求替换它` }]);
  }
  if (before) {
    await tx.run(sql`delete from quota_rules where rule_set_id = ${set.id}`);
    await tx.run(sql`update rule_sets set name = ${set.name}, source = ${set.source}, effective_date = ${set.effectiveDate}, based_on = ${set.basedOn} where id = ${set.id}`);
  } else {
    await tx.run(sql`insert into rule_sets (id, name, source, effective_date, based_on) values (${set.id}, ${set.name}, ${set.source}, ${set.effectiveDate}, ${set.basedOn})`);
  }
  await saveEditionItems(tx, who, set.id, items);
  if (set.rules.length) {
    await tx.run(insertRules(set));
  }
  await appendAudit(tx, who, [before
    ? { action: 'update', entity: 'rule_set', entityKey: set.id, before, after: set, agencies: [] }
    : { action: 'create', entity: 'rule_set', entityKey: set.id, after: set, agencies: [] }]);
  return { replaced: before !== null };
}
