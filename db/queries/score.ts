import { sql, type RawBuilder } from 'kysely';
import type { Checklist } from '../../quotas/score';
import { localDayRange } from '../../lib/clock';
import type { Tx } from '../store';
import { appendAudit, type Actor } from './audit';

type N = { n: number };
const n = async (tx: Tx, q: RawBuilder<N>) => Number((await tx.get<N>(q))?.n ?? 0);

/** What the ledger and the dispatch records prove of one agency's year, for the equipment score. */
export async function scoreEvidence(tx: Tx, agencyId: number, year: number, timeZone: string) {
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const units = (await tx.get<{ live: number; incomplete: number; noCustodian: number }>(sql`select count(*) as live,
      count(case when purchase_date is null or price_fen is null then 1 end) as incomplete,
      count(case when custodian is null or trim(custodian) = '' then 1 end) as "noCustodian"
    from assets where agency_id = ${agencyId} and status <> 'scrapped'`))!;
  const usage = await n(tx, sql<N>`select
      (select count(*) from custody_records r join assets s on s.id = r.asset_id where s.agency_id = ${agencyId} and r.from_date between ${from} and ${to})
    + (select count(*) from maintenance_records m join assets s on s.id = m.asset_id where s.agency_id = ${agencyId} and m.date between ${from} and ${to} and m.voided_at is null) as n`);
  const plans = await n(tx, sql<N>`select count(distinct p.id) as n from plans p join plan_assignments pa on pa.plan_id = p.id join tasks t on t.id = pa.task_id
    where p.status in ('dispatched', 'returned') and t.start_date between ${from} and ${to} and (pa.from_agency_id = ${agencyId} or t.lead_agency_id = ${agencyId})`);
  // 台次: each optional unit sent to a key task that an agency above this one (its parent, or further up) led.
  const higher = await n(tx, sql<N>`with recursive up(id) as (select parent_id from agencies where id = ${agencyId} and parent_id is not null
      union all select a.parent_id from agencies a join up on a.id = up.id where a.parent_id is not null)
    select count(*) as n from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id
      join catalog_items i on i.code = pa.item_code
    where p.status in ('dispatched', 'returned') and pa.from_agency_id = ${agencyId} and i.kind = 'optional'
      and t.start_date between ${from} and ${to} and t.lead_agency_id in (select id from up)`);
  // A stocktake approved in the year (local dates, in the ledger's zone) over the agency's own subtree or one above it.
  const range = localDayRange(from, to, timeZone);
  const stocktakes = await n(tx, sql<N>`with recursive up(id, parent_id) as (select id, parent_id from agencies where id = ${agencyId}
      union all select a.id, a.parent_id from agencies a join up on a.id = up.parent_id)
    select count(*) as n from stocktakes t where t.status = 'approved' and t.decided_at >= ${range.from} and t.decided_at < ${range.to}
      and t.agency_id in (select id from up)`);
  const disposals = await n(tx, sql<N>`select count(*) as n from disposals d join assets s on s.id = d.asset_id
    where s.agency_id = ${agencyId} and d.status = 'scrapped' and d.disposed_date between ${from} and ${to}`);
  return {
    liveUnits: Number(units.live), incompleteUnits: Number(units.incomplete), unitsWithoutCustodian: Number(units.noCustodian),
    usageRecords: usage, dispatchPlans: plans, higherLevelDispatches: higher, disposalsCompleted: disposals, approvedStocktakes: stocktakes,
  };
}

export async function loadChecklist(tx: Tx, agencyId: number, year: number): Promise<{ answers: Checklist; by: Actor | null }> {
  const row = await tx.get<{ answers: string; actor: string; at: string }>(sql`select answers, updated_by as actor, updated_at as "at"
    from score_checklists where agency_id = ${agencyId} and year = ${year}`);
  return row ? { answers: JSON.parse(row.answers) as Checklist, by: { actor: row.actor, at: row.at } } : { answers: {}, by: null };
}

/** Stores an agency's checklist of a year, with an audit entry; call inside a write transaction. */
export async function saveChecklist(tx: Tx, who: Actor, agency: { id: number; code: string }, year: number, answers: Checklist): Promise<void> {
  const before = await loadChecklist(tx, agency.id, year);
  await tx.run(sql`insert into score_checklists (agency_id, year, answers, updated_by, updated_at)
    values (${agency.id}, ${year}, ${JSON.stringify(answers)}, ${who.actor}, ${who.at})
    on conflict (agency_id, year) do update set answers = excluded.answers, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
  await appendAudit(tx, who, [{ action: before.by ? 'update' : 'create', entity: 'score_checklist', entityKey: `${agency.code}/${year}`, before: before.by ? before.answers : undefined, after: answers, agencies: [agency.code] }]);
}
