import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import {
  KIND_WORDS, lacksForProposal, SETTLEMENT_WORDS, SETTLEMENTS_OF, STOCKTAKE_STATUS_WORDS,
  type DifferenceKind, type DifferenceRow, type REGISTRATION, type ScanOutcome, type ScanRow, type ScanSource, type Settlement, type StocktakeClosing,
  type StocktakeCount, type StocktakeDetail, type StocktakeRow, type StocktakeStatus,
} from '../../lib/domain/stocktakes';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';
import { subtreeOf } from './agencies';
import { agencyId, assetState, createAsset, recordCustody } from './asset-writes';
import { requestDisposal } from './disposals';
import { BLANK_CODE_PATTERN, findBlankLabel, linkBlankLabel } from './labels';

const DEFAULT_SETTLEMENT = (kind: DifferenceKind): Settlement => SETTLEMENTS_OF[kind][0];

/** Scans that found an expected asset (a duplicate counts once, a 盘盈 names none). */
const FOUND = sql`(select count(distinct s.asset_id) from stocktake_scans s join stocktake_expected e on e.stocktake_id = s.stocktake_id and e.asset_id = s.asset_id
  where s.stocktake_id = t.id)`;

const ROW_SELECT = sql`select t.id, a.code as "agencyCode", a.name as "agencyName", t.title, t.status, t.counter, t.supervisor, t.responsible,
    t.started_by as "startedBy", coalesce(su.display_name, t.started_by) as "startedByName", t.started_at as "startedAt", t.closed_at as "closedAt",
    t.proposed_by as "proposedBy", t.decided_by as "decidedBy", coalesce(du.display_name, t.decided_by) as "decidedByName", t.decided_at as "decidedAt", t.note,
    (select count(*) from stocktake_expected e where e.stocktake_id = t.id) as expected, ${FOUND} as found
  from stocktakes t join agencies a on a.id = t.agency_id left join users su on su.username = t.started_by left join users du on du.username = t.decided_by`;

const counted = (r: StocktakeRow): StocktakeRow => ({ ...r, expected: Number(r.expected), found: Number(r.found) });

export async function stocktakeRow(tx: Tx, id: number): Promise<StocktakeRow> {
  const row = await tx.get<StocktakeRow>(sql`${ROW_SELECT} where t.id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `盘点 #${id} 不存在` }]);
  return counted(row);
}

type StocktakeHead = Pick<StocktakeRow, 'id' | 'agencyCode' | 'agencyName' | 'status'>;

/** A stocktake without its counts, which cost a pass over its expected list and scans: what every scan checks first. */
async function stocktakeHead(tx: Tx, id: number): Promise<StocktakeHead> {
  const row = await tx.get<StocktakeHead>(sql`select t.id, a.code as "agencyCode", a.name as "agencyName", t.status from stocktakes t join agencies a on a.id = t.agency_id
    where t.id = ${id}`);
  if (!row) throw new UserError([{ field: 'id', message: `盘点 #${id} 不存在` }]);
  return row;
}

/** The agency whose subtree a stocktake counts, for scope checks. */
export async function stocktakeAgency(tx: Tx, id: number): Promise<string> {
  return (await stocktakeHead(tx, id)).agencyCode;
}

/** The codes of an agency and of every agency above it. */
export async function ancestorsOf(tx: Tx, code: string): Promise<string[]> {
  const rows = await tx.all<{ code: string }>(sql`with recursive up(id, code, parent_id) as (select id, code, parent_id from agencies where code = ${code}
    union all select x.id, x.code, x.parent_id from agencies x join up on x.id = up.parent_id) select code from up`);
  return rows.map((r) => r.code);
}

/**
 * The stocktakes of the agencies in `visible`, newest first. One organised above `part` (a county's manager sees the city's)
 * carries the 应有 and 实有 of that part alone.
 */
export async function listStocktakes(tx: Tx, status: StocktakeStatus | undefined, visible: ReadonlySet<string> | null, part: StocktakePart | null): Promise<StocktakeRow[]> {
  const where = [
    ...(status ? [sql`t.status = ${status}`] : []),
    ...(visible === null ? [] : [inList(tx, sql.ref('a.code'), [...visible])]),
  ];
  const rows = await tx.all<StocktakeRow>(sql`${ROW_SELECT} ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``} order by t.id desc limit 500`);
  const out: StocktakeRow[] = [];
  for (const r of rows) out.push(part === null || part.codes.has(r.agencyCode) ? counted(r) : partTotals(r, await stocktakeCounts(tx, Number(r.id), part)));
  return out;
}

const audit = (tx: Tx, who: Actor, before: StocktakeRow | undefined, after: StocktakeRow, batch?: string) => appendAudit(tx, who, [{
  action: before ? 'update' : 'create', entity: 'stocktake', entityKey: `#${after.id}`, before, after, batch: batch ?? null, agencies: [after.agencyCode],
}]);

export interface StartFields {
  title: string;
  counter?: string | null;
  supervisor?: string | null;
  responsible?: string | null;
}

/**
 * Starts counting an agency's subtree: the expected list is every asset of it not scrapped, frozen in one statement.
 * Refused while another unfinished stocktake covers any agency of the subtree. Call inside a write transaction.
 */
export async function startStocktake(tx: Tx, who: Actor, agencyCode: string, f: StartFields): Promise<StocktakeRow> {
  const agency = await agencyId(tx, agencyCode);
  const overlapping = new Set([...(await subtreeOf(tx, agencyCode)), ...(await ancestorsOf(tx, agencyCode))]);
  const open = await tx.get<{ id: number; title: string; code: string; name: string }>(sql`select t.id, t.title, a.code, a.name from stocktakes t join agencies a on a.id = t.agency_id
    where t.status in ('counting', 'closed', 'proposed') and ${inList(tx, sql.ref('a.code'), [...overlapping])} order by t.id limit 1`);
  if (open) {
    throw new UserError([{ field: 'agencyCode', message: `${open.name}(${open.code})的盘点 #${open.id}「${open.title}」尚未办结,其范围与本次盘点重叠;请待其办结后再开始,或请该盘点的组织机构取消它` }]);
  }
  const { id } = (await tx.get<{ id: number }>(sql`insert into stocktakes (agency_id, title, status, counter, supervisor, responsible, started_by, started_at)
    values (${agency}, ${f.title}, 'counting', ${f.counter ?? null}, ${f.supervisor ?? null}, ${f.responsible ?? null}, ${who.actor}, ${who.at}) returning id`))!;
  await tx.run(sql`with recursive sub(id) as (select id from agencies where id = ${agency} union all select x.id from agencies x join sub on x.parent_id = sub.id)
    insert into stocktake_expected (stocktake_id, asset_id, asset_tag, item_code, agency_id, custodian, location, status)
    select ${id}, s.id, s.asset_tag, s.item_code, s.agency_id, s.custodian, s.location, s.status from assets s join sub on sub.id = s.agency_id
    where s.status <> 'scrapped'`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, undefined, after);
  return after;
}

function requireStatusOf<Row extends StocktakeHead>(row: Row, ...statuses: StocktakeStatus[]): Row {
  if (!statuses.includes(row.status)) {
    throw new UserError([{ field: 'id', message: `盘点 #${row.id} 当前为「${STOCKTAKE_STATUS_WORDS[row.status]}」,不能执行此操作` }]);
  }
  return row;
}

const requireStatus = async (tx: Tx, id: number, ...statuses: StocktakeStatus[]): Promise<StocktakeRow> => requireStatusOf(await stocktakeRow(tx, id), ...statuses);

const SCAN_SELECT = sql`select s.id, s.code, x.asset_tag as "assetTag", c.name as "itemName", a.code as "agencyCode", a.name as "agencyName",
    ea.code as "expectedAgencyCode", s.custodian, s.outcome, s.source, s.scanned_by as "scannedBy", coalesce(u.display_name, s.scanned_by) as "scannedByName",
    s.scanned_at as "scannedAt", la.code as "labelAgency"
  from stocktake_scans s join agencies a on a.id = s.agency_id left join assets x on x.id = s.asset_id left join catalog_items c on c.code = x.item_code
  left join stocktake_expected e on e.stocktake_id = s.stocktake_id and e.asset_id = s.asset_id left join agencies ea on ea.id = e.agency_id
  left join users u on u.username = s.scanned_by
  left join blank_labels b on s.asset_id is null and b.code = s.code and b.asset_id is null left join agencies la on la.id = b.agency_id`;

/**
 * The scans `where` picks, of a stocktake of `stocktakeAgency`. A blank label is shown as one (to be linked) only where it
 * was printed for an agency the stocktake counts: another's reads as any unknown code, so that scans tell nobody which labels exist.
 */
async function scanRows(tx: Tx, stocktakeAgency: string, where: RawBuilder<unknown>): Promise<ScanRow[]> {
  const rows = await tx.all<Omit<ScanRow, 'unlinkedLabel'> & { labelAgency: string | null }>(sql`${SCAN_SELECT} where ${where}`);
  const own = rows.some((r) => r.labelAgency !== null) ? new Set(await subtreeOf(tx, stocktakeAgency)) : new Set<string>();
  return rows.map(({ labelAgency, ...r }) => ({ ...r, id: Number(r.id), unlinkedLabel: labelAgency !== null && own.has(labelAgency) }));
}

export interface ScanInput {
  /** Normalised (lib/scan-code.ts). */
  code: string;
  clientId?: string;
}

export interface ScanPlace {
  agencyCode: string;
  custodian: string | null;
  source: ScanSource;
}

/**
 * Judges and stores scans found at one place, in order: a scan whose clientId was stored before answers with the one
 * stored. The place must lie in the stocktake's subtree and the stocktake must be counting. Call inside a write transaction.
 */
export async function recordScans(tx: Tx, who: Actor, id: number, place: ScanPlace, scans: readonly ScanInput[]): Promise<ScanRow[]> {
  const stocktake = requireStatusOf(await stocktakeHead(tx, id), 'counting');
  // Up from the place rather than down the stocktake's whole subtree: a few rows, not a province's.
  if (!(await ancestorsOf(tx, place.agencyCode)).includes(stocktake.agencyCode)) {
    throw new UserError([{ field: 'atAgency', message: `机构「${place.agencyCode}」不在盘点 #${id}(${stocktake.agencyName})的范围内` }]);
  }
  const at = await agencyId(tx, place.agencyCode, 'atAgency');
  const ids: number[] = [];
  const stored: ScanOutcome[] = [];
  const others: number[] = [];
  for (const [i, scan] of scans.entries()) {
    const field = `scans.${i}.code`;
    if (!scan.code) throw new UserError([{ field, message: `第 ${i + 1} 条扫描内容为空(去除控制字符后)` }]);
    if (scan.code.length > 300) throw new UserError([{ field, message: `第 ${i + 1} 条扫描内容过长(最多 300 字)` }]);
    if (scan.clientId !== undefined) {
      const again = await tx.get<{ id: number; scannedBy: string }>(sql`select id, scanned_by as "scannedBy" from stocktake_scans
        where stocktake_id = ${id} and client_id = ${scan.clientId}`);
      // Sent again by whoever sent it first (a phone's queue): counted once. By anyone else: not theirs to read back.
      if (again && again.scannedBy !== who.actor) throw new UserError([{ field: `scans.${i}.clientId`, message: `第 ${i + 1} 条扫描的客户端编号已被使用;请重新扫描` }]);
      if (again) {
        ids.push(again.id);
        continue;
      }
    }
    const { assetId, outcome, unexpected } = await judge(tx, id, at, place.custodian, scan.code);
    if (unexpected) others.push(assetId!);
    const row = (await tx.get<{ id: number }>(sql`insert into stocktake_scans (stocktake_id, code, asset_id, agency_id, custodian, outcome, source, client_id, scanned_by, scanned_at)
      values (${id}, ${scan.code}, ${assetId}, ${at}, ${place.custodian}, ${outcome}, ${place.source}, ${scan.clientId ?? null}, ${who.actor}, ${who.at}) returning id`))!;
    ids.push(row.id);
    stored.push(outcome);
  }
  const rows = await scanRows(tx, stocktake.agencyCode, inList(tx, sql.ref('s.id'), ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  if (stored.length) {
    const tally: Partial<Record<ScanOutcome, number>> = {};
    for (const o of stored) tally[o] = (tally[o] ?? 0) + 1;
    // Another agency's assets scanned here are named, in an entry that agency sees too: found on someone else's
    // premises, or typed to find out what a tag is, its owner learns who scanned it and when.
    const owned = others.length ? await tx.all<{ tag: string; agency: string }>(sql`select s.asset_tag as tag, a.code as agency from assets s
      join agencies a on a.id = s.agency_id where ${inList(tx, sql.ref('s.id'), others)} order by s.asset_tag`) : [];
    await appendAudit(tx, who, [{ action: 'create', entity: 'stocktake-scan', entityKey: `#${id}`,
      after: { at: place.agencyCode, custodian: place.custodian, ...tally, ...(owned.length ? { foreignAssets: owned.map((o) => o.tag) } : {}) },
      agencies: [stocktake.agencyCode, place.agencyCode, ...new Set(owned.map((o) => o.agency))] }]);
  }
  return ids.map((i) => byId.get(i)!);
}

/** What a scan found; `unexpected`: an asset the stocktake's expected list lacks (held elsewhere, or scrapped). */
async function judge(tx: Tx, id: number, at: number, custodian: string | null, code: string): Promise<{ assetId: number | null; outcome: ScanOutcome; unexpected?: true }> {
  const label = await findBlankLabel(tx, code);
  const ASSET = sql`select s.id, s.status, s.asset_tag as tag, b.code as label from assets s left join blank_labels b on b.asset_id = s.id`;
  type Found = { id: number; status: string; tag: string; label: string | null };
  const asset = label
    ? (label.assetId === null ? undefined : await tx.get<Found>(sql`${ASSET} where s.id = ${label.assetId}`))
    : await tx.get<Found>(sql`${ASSET} where s.asset_tag = ${code}`);
  if (!asset) {
    const seen = await tx.get(sql`select 1 as one from stocktake_scans where stocktake_id = ${id} and code = ${code} and asset_id is null`);
    return { assetId: null, outcome: seen ? 'duplicate' : 'surplus' };
  }
  // By the codes that name the asset (its tag, its label's code), so the lookup, and on PostgreSQL what the write is
  // checked against, is a range of the scans' code index rather than every scan of the stocktake.
  const names = asset.label === null ? [asset.tag] : [asset.tag, asset.label];
  if (await tx.get(sql`select 1 as one from stocktake_scans where stocktake_id = ${id} and ${inList(tx, sql.ref('code'), names)} and asset_id = ${asset.id}`)) {
    return { assetId: asset.id, outcome: 'duplicate' };
  }
  const expected = await tx.get<{ agencyId: number; custodian: string | null }>(sql`select agency_id as "agencyId", custodian from stocktake_expected
    where stocktake_id = ${id} and asset_id = ${asset.id}`);
  if (!expected) return { assetId: asset.id, outcome: asset.status === 'scrapped' ? 'status_mismatch' : 'misplaced', unexpected: true };
  const sameHands = custodian === null || expected.custodian === null || custodian === expected.custodian;
  return { assetId: asset.id, outcome: Number(expected.agencyId) === at && sameHands ? 'matched' : 'misplaced' };
}

/**
 * A scan's code and where it was made, for scope checks; one made outside `within` (the caller's scope; null: the whole
 * ledger) is answered as one that does not exist.
 */
export async function scanOf(tx: Tx, scanId: number, within: ReadonlySet<string> | null): Promise<{ code: string; linked: boolean }> {
  const row = await tx.get<{ code: string; agencyCode: string; assetId: number | null }>(sql`select s.code, a.code as "agencyCode", s.asset_id as "assetId"
    from stocktake_scans s join agencies a on a.id = s.agency_id where s.id = ${scanId}`);
  if (!row || (within !== null && !within.has(row.agencyCode))) throw new UserError([{ field: 'id', message: `扫描记录 #${scanId} 不存在` }]);
  return { code: row.code, linked: row.assetId !== null };
}

/**
 * A blank label scanned before it was stuck on anything is linked, at that first scan, to the asset it was found on:
 * the label is linked, and that scan (with any repeat of it) is judged again as a scan of the asset. Call inside a write transaction.
 */
export async function linkScannedLabel(tx: Tx, who: Actor, scanId: number, assetId: number): Promise<ScanRow> {
  const scan = (await tx.get<{ stocktakeId: number; code: string; agencyId: number; custodian: string | null; assetId: number | null }>(sql`select stocktake_id as "stocktakeId",
    code, agency_id as "agencyId", custodian, asset_id as "assetId" from stocktake_scans where id = ${scanId}`))!;
  const stocktake = requireStatusOf(await stocktakeHead(tx, Number(scan.stocktakeId)), 'counting');
  if (scan.assetId !== null) throw new UserError([{ field: 'id', message: `这次扫描的「${scan.code}」已对应台账中的装备,不是未绑定的空白标签` }]);
  await linkBlankLabel(tx, who, scan.code, assetId);
  const { outcome } = await judge(tx, stocktake.id, Number(scan.agencyId), scan.custodian, scan.code);
  await tx.run(sql`update stocktake_scans set asset_id = ${assetId}, outcome = ${outcome} where id = ${scanId}`);
  await tx.run(sql`update stocktake_scans set asset_id = ${assetId}, outcome = 'duplicate' where stocktake_id = ${stocktake.id} and code = ${scan.code}
    and asset_id is null and id <> ${scanId}`);
  const [row] = await scanRows(tx, stocktake.agencyCode, sql`s.id = ${scanId}`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'stocktake-scan', entityKey: `#${stocktake.id}/${scanId}`, before: { code: scan.code, outcome: 'surplus' },
    after: { code: scan.code, assetTag: row.assetTag, outcome }, agencies: [stocktake.agencyCode, row.agencyCode] }]);
  return row;
}

/**
 * The part of a stocktake someone inside its subtree sees (a county's manager in the city's stocktake): what is expected
 * at, found at, or settled between the agencies of their own subtree. null: all of it.
 */
export interface StocktakePart {
  root: string;
  codes: ReadonlySet<string>;
}

const COUNT_SELECT = (tx: Tx, id: number, part: StocktakePart | null) => sql<StocktakeCount>`select a.code as "agencyCode", a.name as "agencyName", e.item_code as "itemCode", c.name as "itemName",
    count(*) as expected, count(f.asset_id) as found
  from stocktake_expected e join agencies a on a.id = e.agency_id join catalog_items c on c.code = e.item_code
  left join (select distinct asset_id from stocktake_scans where stocktake_id = ${id} and asset_id is not null) f on f.asset_id = e.asset_id
  where e.stocktake_id = ${id} ${part ? sql`and ${inList(tx, sql.ref('a.code'), [...part.codes])}` : sql``}
  group by a.code, a.name, e.item_code, c.name order by a.code, e.item_code`;

async function stocktakeCounts(tx: Tx, id: number, part: StocktakePart | null): Promise<StocktakeCount[]> {
  return (await tx.all<StocktakeCount>(COUNT_SELECT(tx, id, part))).map((r) => ({ ...r, expected: Number(r.expected), found: Number(r.found) }));
}

/** A part's own 应有 and 实有, in place of the whole stocktake's. */
const partTotals = (row: StocktakeRow, counts: StocktakeCount[]): StocktakeRow => ({
  ...row, expected: counts.reduce((n, c) => n + c.expected, 0), found: counts.reduce((n, c) => n + c.found, 0),
});

/** Either of two agency columns in the part. */
const eitherIn = (tx: Tx, a: string, b: string, part: StocktakePart) => {
  const codes = [...part.codes];
  return sql`(${inList(tx, sql.ref(a), codes)} or ${inList(tx, sql.ref(b), codes)})`;
};

const DIFFERENCE_SELECT = sql`select d.id, d.kind, d.code, x.asset_tag as "assetTag", x.item_code as "itemCode",
    c.name as "itemName", ea.code as "expectedAgencyCode", ea.name as "expectedAgencyName", fa.code as "foundAgencyCode", fa.name as "foundAgencyName",
    d.found_custodian as "foundCustodian", d.reason, d.proposal,
    d.settlement, d.registration, sa.asset_tag as "settledAssetTag", d.stocktake_id as "stocktakeId"
  from stocktake_differences d
  left join assets x on x.id = d.asset_id left join catalog_items c on c.code = x.item_code
  left join agencies ea on ea.id = d.expected_agency_id left join agencies fa on fa.id = d.found_agency_id left join assets sa on sa.id = d.settled_asset_id`;

type StoredDifference = Omit<DifferenceRow, 'registration'> & { registration: string | null; stocktakeId: number };

const parsed = (r: StoredDifference): DifferenceRow => {
  const { stocktakeId: _, registration, ...rest } = r;
  const reg = registration ? (JSON.parse(registration) as z.infer<typeof REGISTRATION>) : null;
  return { ...rest, id: Number(rest.id), registration: reg, itemCode: rest.itemCode ?? reg?.itemCode ?? null };
};

export async function stocktakeDifferences(tx: Tx, id: number, part: StocktakePart | null = null): Promise<DifferenceRow[]> {
  const rows = await tx.all<StoredDifference>(sql`${DIFFERENCE_SELECT} where d.stocktake_id = ${id}
    ${part ? sql`and ${eitherIn(tx, 'ea.code', 'fa.code', part)}` : sql``} order by d.kind, d.code, d.id`);
  return rows.map(parsed);
}

/** A stocktake with its counts, latest scans and differences: all of them, or those of a part. */
export async function stocktakeDetail(tx: Tx, id: number, part: StocktakePart | null = null): Promise<StocktakeDetail> {
  const counts = await stocktakeCounts(tx, id, part);
  const row = await stocktakeRow(tx, id);
  const scans = await scanRows(tx, row.agencyCode, sql`s.stocktake_id = ${id} ${part ? sql`and ${eitherIn(tx, 'a.code', 'ea.code', part)}` : sql``} order by s.id desc limit 200`);
  const differences = await stocktakeDifferences(tx, id, part);
  const names = await itemNames(tx, differences.filter((d) => d.itemName === null && d.itemCode).map((d) => d.itemCode!));
  return {
    ...(part ? partTotals(row, counts) : row), counts, scans, part: part ? await agencyPart(tx, part.root) : null,
    differences: differences.map((d) => (d.itemName === null && d.itemCode ? { ...d, itemName: names.get(d.itemCode) ?? null } : d)),
  };
}

async function agencyPart(tx: Tx, code: string): Promise<{ agencyCode: string; agencyName: string }> {
  const row = await tx.get<{ name: string }>(sql`select name from agencies where code = ${code}`);
  return { agencyCode: code, agencyName: row?.name ?? code };
}

async function itemNames(tx: Tx, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await tx.all<{ code: string; name: string }>(sql`select code, name from catalog_items where ${inList(tx, sql.ref('code'), [...new Set(codes)])}`);
  return new Map(rows.map((r) => [r.code, r.name]));
}

/**
 * Ends counting: the differences are written, each with the settlement it takes unless the manager says otherwise —
 * 位置不符 per asset with where it was last found (moved there, unless it is held outside the subtree: nothing), 盘盈 per distinct code, 盘亏 for each expected asset never found,
 * 状态不符 per asset. Call inside a write transaction.
 */
export async function closeStocktake(tx: Tx, who: Actor, id: number): Promise<StocktakeClosing> {
  const before = await requireStatus(tx, id, 'counting');
  const last = sql`(select asset_id, max(id) as id from stocktake_scans where stocktake_id = ${id} and asset_id is not null group by asset_id)`;
  await tx.run(sql`insert into stocktake_differences (stocktake_id, kind, code, asset_id, expected_agency_id, found_agency_id, found_custodian, settlement)
    select s.stocktake_id, 'misplaced', x.asset_tag, s.asset_id, coalesce(e.agency_id, x.agency_id), l.agency_id, l.custodian,
      case when e.agency_id is null then 'none' else ${DEFAULT_SETTLEMENT('misplaced')} end
    from stocktake_scans s join assets x on x.id = s.asset_id
    left join stocktake_expected e on e.stocktake_id = s.stocktake_id and e.asset_id = s.asset_id
    join ${last} m on m.asset_id = s.asset_id join stocktake_scans l on l.id = m.id
    where s.stocktake_id = ${id} and s.outcome = 'misplaced'`);
  await tx.run(sql`insert into stocktake_differences (stocktake_id, kind, code, found_agency_id, found_custodian, settlement)
    select s.stocktake_id, 'surplus', s.code, s.agency_id, s.custodian, ${DEFAULT_SETTLEMENT('surplus')}
    from stocktake_scans s where s.stocktake_id = ${id} and s.outcome = 'surplus'`);
  await tx.run(sql`insert into stocktake_differences (stocktake_id, kind, code, asset_id, expected_agency_id, settlement)
    select e.stocktake_id, 'missing', e.asset_tag, e.asset_id, e.agency_id, ${DEFAULT_SETTLEMENT('missing')} from stocktake_expected e
    where e.stocktake_id = ${id} and e.asset_id not in (select asset_id from stocktake_scans where stocktake_id = ${id} and asset_id is not null)`);
  await tx.run(sql`insert into stocktake_differences (stocktake_id, kind, code, asset_id, expected_agency_id, found_agency_id, found_custodian, settlement)
    select s.stocktake_id, 'status_mismatch', x.asset_tag, s.asset_id, x.agency_id, s.agency_id, s.custodian, ${DEFAULT_SETTLEMENT('status_mismatch')}
    from stocktake_scans s join assets x on x.id = s.asset_id where s.stocktake_id = ${id} and s.outcome = 'status_mismatch'`);
  await tx.run(sql`update stocktakes set status = 'closed', closed_by = ${who.actor}, closed_at = ${who.at} where id = ${id}`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, before, after);
  return stocktakeClosing(tx, id);
}

/** What closing found, in the issue's shape (`eql stocktake close --json`): `found` counts the expected assets found. */
export async function stocktakeClosing(tx: Tx, id: number): Promise<StocktakeClosing> {
  const row = await stocktakeRow(tx, id);
  const diffs = await stocktakeDifferences(tx, id);
  const of = (kind: DifferenceKind) => diffs.filter((d) => d.kind === kind);
  const duplicates = await tx.get<{ n: number }>(sql`select count(*) as n from stocktake_scans where stocktake_id = ${id} and outcome = 'duplicate'`);
  return {
    found: row.found,
    misplaced: of('misplaced').map((d) => ({ tag: d.assetTag ?? d.code, expected: d.expectedAgencyCode ?? '', at: d.foundAgencyCode ?? '' })),
    surplus: of('surplus').map((d) => d.code),
    missing: of('missing').map((d) => d.assetTag ?? d.code),
    duplicates: Number(duplicates?.n ?? 0),
    statusMismatch: of('status_mismatch').map((d) => d.assetTag ?? d.code),
  };
}

async function differenceOf(tx: Tx, differenceId: number): Promise<DifferenceRow & { stocktakeId: number }> {
  const row = await tx.get<StoredDifference>(sql`${DIFFERENCE_SELECT} where d.id = ${differenceId}`);
  if (!row) throw new UserError([{ field: 'id', message: `差异 #${differenceId} 不存在` }]);
  return { ...parsed(row), stocktakeId: Number(row.stocktakeId) };
}

/** The stocktake a difference belongs to, for scope checks. */
export async function differenceStocktake(tx: Tx, differenceId: number): Promise<number> {
  return (await differenceOf(tx, differenceId)).stocktakeId;
}

export interface Settling {
  reason: string | null;
  proposal: string | null;
  settlement: Settlement;
  registration?: z.infer<typeof REGISTRATION> | null;
}

const label = (d: DifferenceRow) => `${KIND_WORDS[d.kind]}「${d.assetTag ?? d.code}」`;

/** A difference's 原因, 处置意见 and settlement, while its stocktake is closed. Call inside a write transaction. */
export async function settleDifference(tx: Tx, who: Actor, differenceId: number, s: Settling): Promise<number> {
  const before = await differenceOf(tx, differenceId);
  const stocktake = await requireStatus(tx, before.stocktakeId, 'closed');
  if (!SETTLEMENTS_OF[before.kind].includes(s.settlement)) {
    throw new UserError([{ field: 'settlement', message: `${label(before)}不能「${SETTLEMENT_WORDS[s.settlement]}」;可选:${SETTLEMENTS_OF[before.kind].map((x) => SETTLEMENT_WORDS[x]).join('、')}` }]);
  }
  if (s.settlement === 'transfer' && !(await subtreeOf(tx, stocktake.agencyCode)).includes(before.expectedAgencyCode ?? '')) {
    throw new UserError([{ field: 'settlement', message: `装备「${before.assetTag}」属于机构「${before.expectedAgencyCode}」,不在本次盘点范围内,不能在此调整;请由管辖该机构的用户办理调拨` }]);
  }
  const registration = s.settlement === 'register' ? (s.registration ?? null) : null;
  if (registration) {
    if (!(await tx.get(sql`select 1 as one from catalog_items where code = ${registration.itemCode}`))) {
      throw new UserError([{ field: 'registration.itemCode', message: `未知装备代码「${registration.itemCode}」` }]);
    }
    if (before.code.length > 64) throw new UserError([{ field: 'settlement', message: `盘盈「${before.code.slice(0, 20)}…」的编码超过 64 字,不能作为资产编号登记` }]);
    await requireOwnBlankLabel(tx, stocktake.agencyCode, before.code);
  }
  await tx.run(sql`update stocktake_differences set reason = ${s.reason || null}, proposal = ${s.proposal || null}, settlement = ${s.settlement},
    registration = ${registration ? JSON.stringify(registration) : null} where id = ${differenceId}`);
  const after = await differenceOf(tx, differenceId);
  await appendAudit(tx, who, [{ action: 'update', entity: 'stocktake-difference', entityKey: `#${before.stocktakeId}/${differenceId}`, before, after,
    agencies: [stocktake.agencyCode, before.expectedAgencyCode, before.foundAgencyCode] }]);
  return before.stocktakeId;
}

/** A blank label registered as a 盘盈 must have been printed for an agency the stocktake counts: another agency's label is not this one's to take. */
async function requireOwnBlankLabel(tx: Tx, stocktakeAgency: string, code: string) {
  const blank = await findBlankLabel(tx, code);
  // Alike whether another agency printed it or nobody did, so that the answer tells nobody which labels exist.
  if (blank ? !(await subtreeOf(tx, stocktakeAgency)).includes(blank.agencyCode) : BLANK_CODE_PATTERN.test(code)) {
    throw new UserError([{ field: 'settlement', message: `「${code}」不是本次盘点范围内打印的空白标签,不能按其编码登记入账;请由打印该标签的机构绑定,或为装备另行登记` }]);
  }
  return blank;
}

/** The manager's settlement goes for approval: refused, naming each, while a difference lacks 原因 or 处置意见 or a 盘盈 to register lacks its item. */
export async function proposeStocktake(tx: Tx, who: Actor, id: number): Promise<StocktakeRow> {
  const before = await requireStatus(tx, id, 'closed');
  const problems = (await stocktakeDifferences(tx, id)).flatMap((d) => {
    const lacks = lacksForProposal(d);
    return lacks.length ? [{ field: `differences.${d.id}`, message: `${label(d)}未填写${lacks.join('、')}` }] : [];
  });
  if (problems.length) throw new UserError(problems);
  await tx.run(sql`update stocktakes set status = 'proposed', proposed_by = ${who.actor}, proposed_at = ${who.at} where id = ${id}`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, before, after);
  return after;
}

export async function rejectStocktake(tx: Tx, who: Actor, id: number, note: string): Promise<StocktakeRow> {
  const before = await requireStatus(tx, id, 'proposed');
  await tx.run(sql`update stocktakes set status = 'closed', note = ${note}, decided_by = ${who.actor}, decided_at = ${who.at} where id = ${id}`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, before, after);
  return after;
}

export async function cancelStocktake(tx: Tx, who: Actor, id: number): Promise<StocktakeRow> {
  const before = await requireStatus(tx, id, 'counting', 'closed', 'proposed');
  await tx.run(sql`update stocktakes set status = 'cancelled', decided_by = ${who.actor}, decided_at = ${who.at} where id = ${id}`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, before, after);
  return after;
}

/**
 * The bureau head's approval changes the ledger in one audited step (every entry in one batch): the misplaced move to
 * where they were found, 盘盈 are registered under their scanned code (a blank label's code becomes the tag, and the label
 * is linked), 盘亏 become loss or disposal requests. Each asset's state is read again here. Call inside a write transaction.
 */
export async function approveStocktake(tx: Tx, who: Actor, id: number, batch: string): Promise<StocktakeRow> {
  const before = await requireStatus(tx, id, 'proposed');
  for (const d of await stocktakeDifferences(tx, id)) {
    const settled = await settle(tx, who, id, d, batch).catch((e: unknown) => {
      if (e instanceof UserError) throw new UserError(e.problems.map((p) => ({ ...p, message: `${label(d)}:${p.message}` })));
      throw e;
    });
    if (settled !== null) await tx.run(sql`update stocktake_differences set settled_asset_id = ${settled} where id = ${d.id}`);
  }
  await tx.run(sql`update stocktakes set status = 'approved', decided_by = ${who.actor}, decided_at = ${who.at} where id = ${id}`);
  const after = await stocktakeRow(tx, id);
  await audit(tx, who, before, after, batch);
  return after;
}

async function settle(tx: Tx, who: Actor, id: number, d: DifferenceRow, batch: string): Promise<number | null> {
  const assetId = d.assetTag === null ? null
    : (await tx.get<{ id: number }>(sql`select asset_id as id from stocktake_differences where id = ${d.id}`))!.id;
  switch (d.settlement) {
    case 'transfer': {
      const before = await assetState(tx, assetId!);
      if (before.status === 'scrapped') throw new UserError([{ field: 'id', message: '该装备已报废,不能调整所在机构' }]);
      const to = await agencyId(tx, d.foundAgencyCode!);
      await tx.run(sql`update assets set agency_id = ${to}, custodian = ${d.foundCustodian ?? before.custodian} where id = ${assetId}`);
      const after = await assetState(tx, assetId!);
      await recordCustody(tx, who, before, after);
      await appendAudit(tx, who, [{ action: 'update', entity: 'asset', entityKey: before.assetTag, before, after, batch, agencies: [before.agencyCode, after.agencyCode] }]);
      return after.id;
    }
    case 'register': {
      const r = d.registration!;
      const blank = await requireOwnBlankLabel(tx, (await stocktakeHead(tx, id)).agencyCode, d.code);
      if (blank && blank.assetId !== null) throw new UserError([{ field: 'id', message: `空白标签 ${d.code} 已绑定到其他装备` }]);
      const created = await createAsset(tx, who, {
        assetTag: d.code, itemCode: r.itemCode, agencyCode: d.foundAgencyCode!, model: r.model ?? null, serialNumber: r.serialNumber ?? null,
        purchaseDate: r.purchaseDate ?? null, priceFen: r.priceFen ?? null, fundingSource: null, status: 'in_service',
        custodian: r.custodian ?? d.foundCustodian ?? null, location: r.location ?? null, plateNumber: null, odometerKm: null, calibrationValidUntil: null,
        notes: `盘盈登记(盘点 #${id})`,
      }, batch);
      if (blank) await linkBlankLabel(tx, who, d.code, created.id, batch);
      return created.id;
    }
    case 'loss':
      return (await requestDisposal(tx, who, assetId!, `盘亏:${d.reason ?? ''}`, batch)).assetId;
    case 'disposal':
      return (await requestDisposal(tx, who, assetId!, d.proposal ?? '', batch)).assetId;
    default:
      return null;
  }
}
