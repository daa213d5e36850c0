import type { ExistingAgency } from '../../lib/domain/agencies';
import { LEVEL_RANK, type AgencyRecord } from '../../quotas/types';
import type { Db } from '../types';
import { UserError } from '../../lib/problems';
import { appendAuditSync, type Actor } from './audit';
import { sql } from 'kysely';
import type { Tx } from '../store';

const AGENCY_COLUMNS = `a.id, a.code, a.name, a.level, p.code as parentCode, a.staff, a.authorized_posts as authorizedPosts,
  a.offices, a.longitude, a.latitude`;

export function listAgencies(db: Db): (AgencyRecord & { id: number })[] {
  return db.$client
    .prepare(`select ${AGENCY_COLUMNS} from agencies a left join agencies p on p.id = a.parent_id order by a.code`)
    .all() as (AgencyRecord & { id: number })[];
}

export function existingAgencies(db: Db): Map<string, ExistingAgency> {
  return new Map(listAgencies(db).map((a) => [a.code, { level: a.level, parentCode: a.parentCode }]));
}

export function agencyByCode(db: Db, code: string): (AgencyRecord & { id: number }) | undefined {
  return db.$client
    .prepare(`select ${AGENCY_COLUMNS} from agencies a left join agencies p on p.id = a.parent_id where a.code = ?`)
    .get(code) as (AgencyRecord & { id: number }) | undefined;
}

/** Adds an agency under a parent of a higher level (or as a root). */
export function createAgency(db: Db, who: Actor, a: AgencyRecord): AgencyRecord & { id: number } {
  return db.$client.transaction(() => {
    if (agencyByCode(db, a.code)) throw new UserError([{ field: 'code', message: `机构编码「${a.code}」已存在` }]);
    let parentId: number | null = null;
    if (a.parentCode !== null) {
      const parent = agencyByCode(db, a.parentCode);
      if (!parent) throw new UserError([{ field: 'parentCode', message: `上级机构「${a.parentCode}」不存在` }]);
      if (LEVEL_RANK[parent.level] >= LEVEL_RANK[a.level]) throw new UserError([{ field: 'level', message: '上级机构的层级须高于本机构' }]);
      parentId = parent.id;
    }
    db.$client.prepare(`insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, longitude, latitude)
      values (@code, @name, @level, @parentId, @staff, @authorizedPosts, @offices, @longitude, @latitude)`).run({ ...a, parentId });
    const after = agencyByCode(db, a.code)!;
    appendAuditSync(db, who, [{ action: 'create', entity: 'agency', entityKey: a.code, after, agencies: [a.code] }]);
    return after;
  })();
}

/** Edits an agency's own figures (staff, offices, coordinates…); its code, level and place in the tree stay. */
export function updateAgency(db: Db, who: Actor, code: string, f: Omit<AgencyRecord, 'code' | 'level' | 'parentCode'>): AgencyRecord & { id: number } {
  return db.$client.transaction(() => {
    const before = agencyByCode(db, code);
    if (!before) throw new UserError([{ field: 'code', message: `机构「${code}」不存在` }]);
    db.$client.prepare(`update agencies set name = @name, staff = @staff, authorized_posts = @authorizedPosts, offices = @offices,
      longitude = @longitude, latitude = @latitude where code = @code`).run({ ...f, code });
    const after = agencyByCode(db, code)!;
    appendAuditSync(db, who, [{ action: 'update', entity: 'agency', entityKey: code, before, after, agencies: [code] }]);
    return after;
  })();
}

/** The codes of an agency and of every agency below it. */
export async function subtreeOf(tx: Tx, root: string): Promise<string[]> {
  const rows = await tx.all<{ code: string }>(sql`with recursive sub(id, code) as (select id, code from agencies where code = ${root}
    union all select x.id, x.code from agencies x join sub on x.parent_id = sub.id) select code from sub`);
  return rows.map((r) => r.code);
}

/** The codes of an agency and of every agency below it. */
export function subtreeOfSync(db: Db, root: string): string[] {
  return db.$client.prepare(
    `with recursive sub(id, code) as (select id, code from agencies where code = ?
       union all select x.id, x.code from agencies x join sub on x.parent_id = sub.id) select code from sub`,
  ).pluck().all(root) as string[];
}

/** How many agencies and assets the ledger holds, within a set of agencies when given. */
export function ledgerCounts(db: Db, within: ReadonlySet<string> | null): { agencies: number; assets: number } {
  const c = db.$client;
  if (within === null) {
    return { agencies: c.prepare('select count(*) from agencies').pluck().get() as number, assets: c.prepare('select count(*) from assets').pluck().get() as number };
  }
  const codes = JSON.stringify([...within]);
  return {
    agencies: c.prepare('select count(*) from agencies where code in (select value from json_each(?))').pluck().get(codes) as number,
    assets: c.prepare('select count(*) from assets s join agencies a on a.id = s.agency_id where a.code in (select value from json_each(?))').pluck().get(codes) as number,
  };
}
