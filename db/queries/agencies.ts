import type { AgencyRecord, ExistingAgency } from '../../excel/template';
import type { Db } from '../open';

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
