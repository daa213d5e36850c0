import { sql } from 'kysely';
import { contractState, type ContractFields, type ContractRow } from '../../lib/domain/contracts';
import type { IsoDate } from '../../lib/dates';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';
import { agencyId, checkItem } from './asset-writes';
import { subtreeOf } from './agencies';

interface StoredContract {
  id: number;
  agency: string;
  agencyName: string;
  provider: string;
  reference: string | null;
  validFrom: string;
  validTo: string;
  costPerYearFen: number;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

const SELECT = sql`select c.id, a.code as agency, a.name as "agencyName", c.provider, c.reference, c.valid_from as "validFrom", c.valid_to as "validTo",
    c.cost_per_year_fen as "costPerYearFen", c.note, c.created_by as "createdBy", c.created_at as "createdAt"
  from service_contracts c join agencies a on a.id = c.agency_id`;

const notFound = (id: number) => new UserError([{ field: 'id', message: `服务合同 #${id} 不存在` }]);

/**
 * Service contracts a reader may see: signed by an agency in `within` or covering one (null: all), the latest ending
 * first. A reader sees the covered agencies of their own scope by name and the others only as a number.
 */
export async function listContracts(tx: Tx, within: ReadonlySet<string> | null, today: IsoDate, ids?: readonly number[]): Promise<ContractRow[]> {
  const where = [
    ...(ids ? [inList(tx, sql.ref('c.id'), ids)] : []),
    ...(within ? [sql`(${inList(tx, sql.ref('a.code'), [...within])} or exists (select 1 from service_contract_agencies sa join agencies x on x.id = sa.agency_id
      where sa.contract_id = c.id and ${inList(tx, sql.ref('x.code'), [...within])}))`] : []),
  ];
  const rows = await tx.all<StoredContract>(sql`${SELECT} ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``} order by c.valid_to desc, c.id desc`);
  if (!rows.length) return [];
  const contractIds = rows.map((r) => r.id);
  const items = new Map<number, ContractFields['items']>();
  for (const i of await tx.all<{ id: number; item: string; quantity: number }>(sql`select contract_id as id, item_code as item, quantity
    from service_contract_items where ${inList(tx, sql.ref('contract_id'), contractIds)} order by contract_id, item_code`)) {
    (items.get(i.id) ?? items.set(i.id, []).get(i.id)!).push({ item: i.item, quantity: Number(i.quantity) });
  }
  const covered = new Map<number, { code: string; name: string }[]>();
  for (const c of await tx.all<{ id: number; code: string; name: string }>(sql`select sa.contract_id as id, x.code, x.name
    from service_contract_agencies sa join agencies x on x.id = sa.agency_id where ${inList(tx, sql.ref('sa.contract_id'), contractIds)} order by sa.contract_id, x.code`)) {
    (covered.get(c.id) ?? covered.set(c.id, []).get(c.id)!).push({ code: c.code, name: c.name });
  }
  return rows.map((r) => {
    const all = covered.get(r.id) ?? [];
    const seen = within === null ? all : all.filter((a) => within.has(a.code));
    return {
      ...r, costPerYearFen: Number(r.costPerYearFen), items: items.get(r.id) ?? [], agencies: seen.map((a) => a.code), agencyNames: seen.map((a) => a.name),
      hiddenAgencies: all.length - seen.length, state: contractState(r, today), mine: within === null || (within.has(r.agency) && seen.length === all.length),
    };
  });
}

async function contractById(tx: Tx, id: number, within: ReadonlySet<string> | null, today: IsoDate): Promise<ContractRow> {
  const [row] = await listContracts(tx, within, today, [id]);
  if (!row) throw notFound(id);
  return row;
}

/** A contract the caller may change: signed within their scope and covering only agencies in it; any other is answered as absent. */
async function ownContract(tx: Tx, id: number, within: ReadonlySet<string> | null, today: IsoDate): Promise<ContractRow> {
  const row = await contractById(tx, id, within, today);
  if (!row.mine) throw notFound(id);
  return row;
}

/**
 * What the audit log keeps of a contract: the covered agencies by number only. The entry is linked to each of them, and
 * a county that reads it must not learn its siblings from it.
 */
const state = ({ agencyName: _n, agencyNames: _a, hiddenAgencies: _h, createdAt: _c, createdBy: _b, state: _s, mine: _m, agencies, ...rest }: ContractRow) =>
  ({ ...rest, coveredAgencies: agencies.length });

/**
 * Creates a contract (id null) or changes one the caller may change. The agencies covered must lie in the signing
 * agency's subtree, and the items be the catalog's. Call inside a write transaction, with `within` already checked
 * to hold the signing agency and the covered ones.
 */
export async function saveContract(tx: Tx, who: Actor, id: number | null, f: ContractFields, within: ReadonlySet<string> | null, today: IsoDate): Promise<ContractRow> {
  const before = id === null ? null : await ownContract(tx, id, within, today);
  const signer = await agencyId(tx, f.agency, 'agency');
  const subtree = new Set(await subtreeOf(tx, f.agency));
  const outside = f.agencies.filter((c) => !subtree.has(c));
  if (outside.length) {
    throw new UserError([{ field: 'agencies', message: `受服务机构「${outside.slice(0, 3).join('、')}」${outside.length > 3 ? `等 ${outside.length} 个` : ''}不是签约机构「${f.agency}」或其下属机构` }]);
  }
  for (const [k, i] of f.items.entries()) await checkItem(tx, i.item, `items.${k}.item`);
  const covered: number[] = [];
  for (const c of f.agencies) covered.push(await agencyId(tx, c, 'agencies'));
  let contractId: number;
  if (id === null) {
    const row = await tx.get<{ id: number }>(sql`insert into service_contracts (agency_id, provider, reference, valid_from, valid_to, cost_per_year_fen, note, created_by, created_at)
      values (${signer}, ${f.provider}, ${f.reference}, ${f.validFrom}, ${f.validTo}, ${f.costPerYearFen}, ${f.note}, ${who.actor}, ${who.at}) returning id`);
    contractId = Number(row!.id);
  } else {
    contractId = id;
    await tx.run(sql`update service_contracts set agency_id = ${signer}, provider = ${f.provider}, reference = ${f.reference}, valid_from = ${f.validFrom},
      valid_to = ${f.validTo}, cost_per_year_fen = ${f.costPerYearFen}, note = ${f.note} where id = ${id}`);
    await tx.run(sql`delete from service_contract_items where contract_id = ${id}`);
    await tx.run(sql`delete from service_contract_agencies where contract_id = ${id}`);
  }
  await tx.run(sql`insert into service_contract_items (contract_id, item_code, quantity) values ${sql.join(f.items.map((i) => sql`(${contractId}, ${i.item}, ${i.quantity})`))}`);
  await tx.run(sql`insert into service_contract_agencies (contract_id, agency_id) values ${sql.join(covered.map((a) => sql`(${contractId}, ${a})`))}`);
  const after = await contractById(tx, contractId, within, today);
  await appendAudit(tx, who, [{ action: before ? 'update' : 'create', entity: 'service_contract', entityKey: String(contractId), before: before ? state(before) : undefined,
    after: state(after), agencies: [...new Set([before?.agency, ...(before?.agencies ?? []), after.agency, ...after.agencies])] }]);
  return after;
}

/** Removes a contract the caller may change (one entered by mistake; an ended one stays as the record of what was covered). */
export async function deleteContract(tx: Tx, who: Actor, id: number, within: ReadonlySet<string> | null, today: IsoDate): Promise<void> {
  const before = await ownContract(tx, id, within, today);
  await tx.run(sql`delete from service_contracts where id = ${id}`);
  await appendAudit(tx, who, [{ action: 'delete', entity: 'service_contract', entityKey: String(id), before: state(before), agencies: [before.agency, ...before.agencies] }]);
}
