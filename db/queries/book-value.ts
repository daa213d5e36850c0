import { sql } from 'kysely';
import type { BookUnit } from '../../quotas/book-value';
import { DEPRECIATION_CLASSES } from '../../quotas/book-value';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';

/**
 * The units on the books on `date` of the agencies in `within` (null: all), by tag: bought on or before it, at a price,
 * and not scrapped by then (a unit scrapped later is still on the books; one marked scrapped with no date of disposal
 * is not). `missing` counts the units held whose price or purchase date the ledger lacks.
 */
export async function unitsOnBooks(tx: Tx, date: string, within: readonly string[] | null): Promise<{ units: BookUnit[]; missing: number }> {
  const scope = within === null ? sql`` : sql` and ${inList(tx, sql.ref('g.code'), within)}`;
  const units = await tx.all<BookUnit>(sql`select a.asset_tag as tag, a.item_code as item, a.price_fen as "priceFen", a.purchase_date as "acquiredOn"
    from assets a join agencies g on g.id = a.agency_id
    where a.price_fen is not null and a.purchase_date is not null and a.purchase_date <= ${date}
      and (a.status <> 'scrapped' or exists (select 1 from disposals d where d.asset_id = a.id and d.status = 'scrapped' and d.disposed_date > ${date}))${scope}
    order by a.asset_tag`);
  const missing = await tx.get<{ n: number }>(sql`select count(*) as n from assets a join agencies g on g.id = a.agency_id
    where a.status <> 'scrapped' and (a.price_fen is null or a.purchase_date is null)${scope}`);
  return { units: units.map((u) => ({ ...u, priceFen: Number(u.priceFen) })), missing: Number(missing?.n ?? 0) };
}

/**
 * The total book value on `date` of the units `unitsOnBooks` gives, summed by the database in one pass (the same months
 * and rounding as `bookValues`): what a province's overview needs of a million units without reading them.
 * `lifeMonths` gives each catalog item's life.
 */
export async function bookValueTotal(tx: Tx, date: string, within: readonly string[] | null, lifeMonths: ReadonlyMap<string, number>): Promise<number> {
  // Whole numbers the ledger computed, written into the statement so that PostgreSQL reads them as integers.
  const life = sql`case a.item_code ${sql.join([...lifeMonths].map(([item, m]) => sql`when ${item} then ${sql.lit(m)}`), sql` `)} end`;
  const month = sql.lit(Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1);
  const bought = sql`(cast(substr(a.purchase_date, 1, 4) as integer) * 12 + cast(substr(a.purchase_date, 6, 2) as integer) - 1)`;
  const months = sql`(case when ${month} - ${bought} + 1 >= ${life} then ${life} else ${month} - ${bought} + 1 end)`;
  const scope = within === null ? sql`` : sql` and ${inList(tx, sql.ref('g.code'), within)}`;
  const row = await tx.get<{ total: number | null }>(sql`select sum(a.price_fen - round(a.price_fen * ${months} * 1.0 / ${life})) as total
    from assets a join agencies g on g.id = a.agency_id
    where a.price_fen is not null and a.purchase_date is not null and a.purchase_date <= ${date}
      and (a.status <> 'scrapped' or exists (select 1 from disposals d where d.asset_id = a.id and d.status = 'scrapped' and d.disposed_date > ${date}))${scope}`);
  return Number(row?.total ?? 0);
}

const LIVES_KEY = 'depreciation-lives';

/** The years the ledger raised for each class above the table's; a class not listed keeps the table's. */
export async function raisedLives(tx: Tx): Promise<Record<string, number>> {
  const raw = (await tx.get<{ value: string }>(sql`select value from settings where key = ${LIVES_KEY}`))?.value;
  return raw ? JSON.parse(raw) : {};
}

/** Stores the years of each class, refusing one below the table's, with its audit entry. Call inside a write transaction. */
export async function saveLives(tx: Tx, who: Actor, years: Record<string, number>): Promise<Record<string, number>> {
  const problems = Object.entries(years).flatMap(([id, y]) => {
    const c = DEPRECIATION_CLASSES.find((x) => x.id === id);
    if (!c) return [{ field: `years.${id}`, message: `未知的资产类别「${id}」` }];
    return y < c.minYears ? [{ field: `years.${id}`, message: `${c.name}的折旧年限不能低于 ${c.minYears} 年(财会〔2017〕4号表1)` }] : [];
  });
  if (problems.length) throw new UserError(problems);
  const before = await raisedLives(tx);
  const after = Object.fromEntries(Object.entries(years).filter(([id, y]) => y > DEPRECIATION_CLASSES.find((c) => c.id === id)!.minYears));
  await tx.run(sql`insert into settings (key, value) values (${LIVES_KEY}, ${JSON.stringify(after)}) on conflict (key) do update set value = excluded.value`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'settings', entityKey: LIVES_KEY, before, after, agencies: [] }]);
  return after;
}
