import type { ExistingAgency } from '../../lib/domain/agencies';
import { LEVEL_RANK, type AgencyRecord } from '../../quotas/types';
import { UserError } from '../../lib/problems';
import { appendAudit, type Actor } from './audit';
import { sql, type RawBuilder } from 'kysely';
import { inList, type Tx } from '../store';




/** The codes of an agency and of every agency below it. */
export async function subtreeOf(tx: Tx, root: string): Promise<string[]> {
  const rows = await tx.all<{ code: string }>(sql`with recursive sub(id, code) as (select id, code from agencies where code = ${root}
    union all select x.id, x.code from agencies x join sub on x.parent_id = sub.id) select code from sub`);
  return rows.map((r) => r.code);
}

type Agency = AgencyRecord & { id: number };

const AGENCIES = sql`select a.id, a.code, a.name, a.level, p.code as "parentCode", a.staff, a.authorized_posts as "authorizedPosts",
  a.offices, a.longitude, a.latitude from agencies a left join agencies p on p.id = a.parent_id`;

export function listAgencies(tx: Tx): Promise<Agency[]> {
  return tx.all<Agency>(sql`${AGENCIES} order by a.code`);
}

export async function existingAgencies(tx: Tx): Promise<Map<string, ExistingAgency>> {
  return new Map((await listAgencies(tx)).map((a) => [a.code, { level: a.level, parentCode: a.parentCode }]));
}

export function agencyByCode(tx: Tx, code: string): Promise<Agency | undefined> {
  return tx.get<Agency>(sql`${AGENCIES} where a.code = ${code}`);
}

/** Adds an agency under a parent of a higher level (or as a root); call inside a write transaction. */
export async function createAgency(tx: Tx, who: Actor, a: AgencyRecord): Promise<Agency> {
  if (await agencyByCode(tx, a.code)) throw new UserError([{ field: 'code', message: `机构编码「${a.code}」已存在` }]);
  let parentId: number | null = null;
  if (a.parentCode !== null) {
    const parent = await agencyByCode(tx, a.parentCode);
    if (!parent) throw new UserError([{ field: 'parentCode', message: `上级机构「${a.parentCode}」不存在` }]);
    if (LEVEL_RANK[parent.level] >= LEVEL_RANK[a.level]) throw new UserError([{ field: 'level', message: '上级机构的层级须高于本机构' }]);
    parentId = parent.id;
  }
  await tx.run(sql`insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, longitude, latitude)
    values (${a.code}, ${a.name}, ${a.level}, ${parentId}, ${a.staff}, ${a.authorizedPosts}, ${a.offices}, ${a.longitude}, ${a.latitude})`);
  const after = (await agencyByCode(tx, a.code))!;
  await appendAudit(tx, who, [{ action: 'create', entity: 'agency', entityKey: a.code, after, agencies: [a.code] }]);
  return after;
}

/** Edits an agency's own figures (staff, offices, coordinates…); its code, level and place in the tree stay. Call inside a write transaction. */
export async function updateAgency(tx: Tx, who: Actor, code: string, f: Omit<AgencyRecord, 'code' | 'level' | 'parentCode'>): Promise<Agency> {
  const before = await agencyByCode(tx, code);
  if (!before) throw new UserError([{ field: 'code', message: `机构「${code}」不存在` }]);
  await tx.run(sql`update agencies set name = ${f.name}, staff = ${f.staff}, authorized_posts = ${f.authorizedPosts}, offices = ${f.offices},
    longitude = ${f.longitude}, latitude = ${f.latitude} where code = ${code}`);
  const after = (await agencyByCode(tx, code))!;
  await appendAudit(tx, who, [{ action: 'update', entity: 'agency', entityKey: code, before, after, agencies: [code] }]);
  return after;
}

/** How many agencies and assets the ledger holds, within a set of agencies when given. */
export async function ledgerCounts(tx: Tx, within: ReadonlySet<string> | null): Promise<{ agencies: number; assets: number }> {
  const n = async (q: RawBuilder<{ n: number }>) => (await tx.get<{ n: number }>(q))!.n;
  if (within === null) return { agencies: await n(sql`select count(*) as n from agencies`), assets: await n(sql`select count(*) as n from assets`) };
  const codes = [...within];
  return {
    agencies: await n(sql`select count(*) as n from agencies a where ${inList(tx, sql.ref('a.code'), codes)}`),
    assets: await n(sql`select count(*) as n from assets s join agencies a on a.id = s.agency_id where ${inList(tx, sql.ref('a.code'), codes)}`),
  };
}
