import type { Checklist } from '../../quotas/score';
import type { Db } from '../types';
import { appendAuditSync, type Actor } from './audit';

/** What the ledger and the dispatch records prove of one agency's year, for the equipment score. */
export function scoreEvidence(db: Db, agencyId: number, year: number) {
  const c = db.$client;
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  const units = c.prepare(
    `select count(*) as live,
       count(case when purchase_date is null or price_fen is null then 1 end) as incomplete,
       count(case when custodian is null or trim(custodian) = '' then 1 end) as noCustodian
     from assets where agency_id = ? and status <> 'scrapped'`,
  ).get(agencyId) as { live: number; incomplete: number; noCustodian: number };
  const usage = c.prepare(
    `select (select count(*) from custody_records r join assets s on s.id = r.asset_id where s.agency_id = ? and r.from_date between ? and ?)
          + (select count(*) from maintenance_records m join assets s on s.id = m.asset_id where s.agency_id = ? and m.date between ? and ? and m.voided_at is null)`,
  ).pluck().get(agencyId, from, to, agencyId, from, to) as number;
  const plans = c.prepare(
    `select count(distinct p.id) from plans p join plan_assignments pa on pa.plan_id = p.id join tasks t on t.id = pa.task_id
     where p.status in ('dispatched', 'returned') and t.start_date between ? and ? and (pa.from_agency_id = ? or t.lead_agency_id = ?)`,
  ).pluck().get(from, to, agencyId, agencyId) as number;
  // 台次: each optional unit sent to a key task that an agency above this one (its parent, or further up) led.
  const higher = c.prepare(
    `with recursive up(id) as (select parent_id from agencies where id = ? and parent_id is not null
       union all select a.parent_id from agencies a join up on a.id = up.id where a.parent_id is not null)
     select count(*) from plan_assignments pa join plans p on p.id = pa.plan_id join tasks t on t.id = pa.task_id
       join catalog_items i on i.code = pa.item_code
     where p.status in ('dispatched', 'returned') and pa.from_agency_id = ? and i.kind = 'optional'
       and t.start_date between ? and ? and t.lead_agency_id in (select id from up)`,
  ).pluck().get(agencyId, agencyId, from, to) as number;
  const disposals = c.prepare(
    `select count(*) from disposals d join assets s on s.id = d.asset_id where s.agency_id = ? and d.status = 'scrapped' and d.disposed_date between ? and ?`,
  ).pluck().get(agencyId, from, to) as number;
  return {
    liveUnits: units.live, incompleteUnits: units.incomplete, unitsWithoutCustodian: units.noCustodian,
    usageRecords: usage, dispatchPlans: plans, higherLevelDispatches: higher, disposalsCompleted: disposals,
  };
}

export function loadChecklist(db: Db, agencyId: number, year: number): { answers: Checklist; by: Actor | null } {
  const row = db.$client.prepare(`select answers, updated_by as actor, updated_at as at from score_checklists where agency_id = ? and year = ?`)
    .get(agencyId, year) as { answers: string; actor: string; at: string } | undefined;
  return row ? { answers: JSON.parse(row.answers) as Checklist, by: { actor: row.actor, at: row.at } } : { answers: {}, by: null };
}

export function saveChecklist(db: Db, who: Actor, agency: { id: number; code: string }, year: number, answers: Checklist): void {
  db.$client.transaction(() => {
    const before = loadChecklist(db, agency.id, year);
    db.$client.prepare(
      `insert into score_checklists (agency_id, year, answers, updated_by, updated_at) values (?, ?, ?, ?, ?)
       on conflict (agency_id, year) do update set answers = excluded.answers, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ).run(agency.id, year, JSON.stringify(answers), who.actor, who.at);
    appendAuditSync(db, who, [{ action: before.by ? 'update' : 'create', entity: 'score_checklist', entityKey: `${agency.code}/${year}`, before: before.by ? before.answers : undefined, after: answers, agencies: [agency.code] }]);
  })();
}
