import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetFields, AssetRow } from '../../api/contract';
import { openDatabase } from '../../db/open';
import { openProvincial } from '../../db/pg';
import { postgresStore, sqliteStore, type Store, type Tx } from '../../db/store';
import { transferLedger } from '../../db/transfer';
import { seedReferenceData } from '../../db/queries/reference';
import { listAudit } from '../../db/queries/audit';
import { allAssets, countByStatus, countDue, countHeld, listAssets, type AssetPage } from '../../db/queries/assets';
import { bulkUpdateAssets, createAsset, updateAsset } from '../../db/queries/asset-writes';
import { assetHistory } from '../../db/queries/asset-history';
import { loadDemo } from '../../server/handlers/demo';
import { dispatch } from '../../server/dispatch';
import { UserError } from '../../lib/problems';
import { contextAs } from '../fixtures/context';
import { agency, asset, seedTemplate, templateBuffer } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

const who = { actor: 'tester', at: '2026-11-23T01:00:00.000Z', day: '2026-11-23', timeZone: 'Asia/Shanghai' };
const today = who.day;

const dirs: string[] = [];
const opened: Store[] = [];
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function ledgerFile(name: string) {
  const dir = mkdtempSync(join(tmpdir(), 'eql-engines-'));
  dirs.push(dir);
  const file = join(dir, name);
  const { db } = openDatabase(file);
  const store = sqliteStore(db);
  opened.push({ ...store, close: async () => {
    await store.close();
    db.$client.close();
  } });
  return { db, file, store };
}

async function emptyProvince(): Promise<Store> {
  const pg = postgresStore(await openProvincial(await freshDatabase()));
  opened.push(pg);
  await pg.write((tx) => seedReferenceData(tx, new Date(who.at)));
  return pg;
}

/**
 * A county's ledger: a city and two counties; cars with plates (one scrapped), gas detectors by model in two cases
 * (one with % and _ in it, one without a price), a camera whose maintenance falls due; custodians with Chinese names.
 */
async function countyLedger() {
  const { db, file, store } = ledgerFile('county.db');
  await seedTemplate(db, templateBuffer(
    [agency({ code: '330100', name: '杭州市支队', level: 'city', staff: 40 }),
      agency({ code: '330102', name: '上城大队', parentCode: '330100', staff: 18 }),
      agency({ code: '330105', name: '拱墅大队', parentCode: '330100', staff: 12 })],
    [asset({ assetTag: 'V1', itemCode: 'S01', agencyCode: '330102', plateNumber: '浙A12345', priceFen: 25_000_000, purchaseDate: '2015-01-01', custodian: '王五', model: '大众 帕萨特', odometerKm: 90_000 }),
      asset({ assetTag: 'V2', itemCode: 'S01', agencyCode: '330105', plateNumber: '浙B54321', priceFen: 18_000_000, purchaseDate: '2020-06-01', status: 'under_repair', custodian: '李四光', odometerKm: 250_000 }),
      asset({ assetTag: 'V3', itemCode: 'S01', agencyCode: '330100', plateNumber: '浙A00001', priceFen: 30_000_000, purchaseDate: '2012-01-01', status: 'scrapped' }),
      asset({ assetTag: 'G1', itemCode: 'S15', agencyCode: '330102', model: 'Hikvision GD-100%_X', priceFen: 900_000, purchaseDate: '2023-03-01', calibrationValidUntil: '2026-12-01' }),
      asset({ assetTag: 'G2', itemCode: 'S15', agencyCode: '330105', model: 'hikvision GD-200', priceFen: null, purchaseDate: '2023-06-01' }),
      asset({ assetTag: 'C1', itemCode: 'S10', agencyCode: '330105', model: 'DJI Mini', priceFen: 350_000, purchaseDate: '2024-01-01', custodian: '张三' })],
  ), { file: 'county.xlsx', who, today });
  const camera = db.$client.prepare(`select id from assets where asset_tag = 'C1'`).pluck().get() as number;
  const logged = await dispatch(contextAs(db, file, 'admin', { username: who.actor }), 'maintenance/create', {
    assetId: camera, date: '2026-05-01', kind: 'service', description: '保养', costFen: null, vendor: null, odometerKm: null, nextDueDate: '2026-11-01', setStatus: null,
  });
  if (!logged.ok) throw new UserError(logged.problems);
  return { store, file };
}

const targets: { name: string; open: () => Promise<Store> }[] = [
  { name: 'SQLite', open: async () => (await countyLedger()).store },
  ...(postgresUrl ? [{
    name: 'PostgreSQL',
    open: async () => {
      const county = await countyLedger();
      const pg = await emptyProvince();
      await transferLedger(county.store, pg, county.file, who);
      return pg;
    },
  }] : []),
];

const tags = (rows: AssetRow[]) => rows.map((r) => r.assetTag);

describe.each(targets)('the ledger\'s queries on $name', (target) => {
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
  }, 120_000);
  const page = (over: Partial<AssetPage>) => store.read((tx) => listAssets(tx, { query: {}, startRow: 0, endRow: 100, ...over }));
  const find = async (query: AssetPage['query'], sort?: AssetPage['sort']) => tags((await page({ query, sort })).rows);
  const idOf = async (tag: string) => (await store.get<{ id: number }>(sql`select id from assets where asset_tag = ${tag}`))!.id;

  it('pages through the ledger with its total, the rows whole', async () => {
    const all = await page({});
    expect(all.total).toBe(6);
    expect(tags(all.rows)).toEqual(['V1', 'V2', 'V3', 'G1', 'G2', 'C1']);
    expect(all.rows[0]).toMatchObject({
      assetTag: 'V1', itemCode: 'S01', itemName: '执法执勤专用车(含设备)', agencyCode: '330102', agencyName: '上城大队', model: '大众 帕萨特',
      purchaseDate: '2015-01-01', priceFen: 25_000_000, status: 'in_service', custodian: '王五', plateNumber: '浙A12345', odometerKm: 90_000,
      serialNumber: null, calibrationValidUntil: null,
    });
    expect(await page({ startRow: 1, endRow: 3 })).toMatchObject({ total: 6, rows: [{ assetTag: 'V2' }, { assetTag: 'V3' }] });
    expect((await page({ startRow: 4, endRow: 10, withTotal: false }))).toMatchObject({ total: null, rows: [{ assetTag: 'G2' }, { assetTag: 'C1' }] });
    expect(tags(await store.read((tx) => allAssets(tx, {}, [{ colId: 'assetTag', sort: 'desc' }])))).toEqual(['V3', 'V2', 'V1', 'G2', 'G1', 'C1']);
  });

  it('quick-searches tags, plates, models and custodians whatever the case, and item names', async () => {
    expect(await find({ quick: 'b543' })).toEqual(['V2']);
    expect(await find({ quick: 'a1234' })).toEqual(['V1']);
    expect(await find({ quick: '王五' })).toEqual(['V1']);
    expect(await find({ quick: '李四光' })).toEqual(['V2']);
    expect(await find({ quick: 'HIKVISION' })).toEqual(['G1', 'G2']);
    expect(await find({ quick: '0%_' })).toEqual(['G1']);
    expect(await find({ quick: '%' })).toEqual(['G1']);
    expect(await find({ quick: '执法执勤' })).toEqual(['V1', 'V2', 'V3']);
    expect(await find({ quick: '气体检测仪', agency: '330105' })).toEqual(['G2']);
    expect((await page({ query: { quick: '浙' }, startRow: 1, endRow: 2 }))).toMatchObject({ total: 3, rows: [{ assetTag: 'V2' }] });
  });

  it('filters text whatever its case, numbers, dates and blanks, within an agency\'s subtree or its own units', async () => {
    const f = (filters: object) => find({ filters });
    expect(await f({ plateNumber: { filterType: 'text', type: 'startsWith', filter: '浙a' } })).toEqual(['V1', 'V3']);
    expect(await f({ plateNumber: { filterType: 'text', type: 'equals', filter: '浙ａ00001' } })).toEqual(['V3']);
    expect(await f({ plateNumber: { filterType: 'text', type: 'contains', filter: '543' } })).toEqual(['V2']);
    expect(await f({ plateNumber: { filterType: 'text', type: 'blank' } })).toEqual(['G1', 'G2', 'C1']);
    expect(await f({ model: { filterType: 'text', type: 'contains', filter: 'hik' } })).toEqual(['G1', 'G2']);
    expect(await f({ model: { filterType: 'text', type: 'notContains', filter: 'HIK' } })).toEqual(['V1', 'V2', 'V3', 'C1']);
    expect(await f({ model: { filterType: 'text', type: 'endsWith', filter: '200' } })).toEqual(['G2']);
    expect(await f({ custodian: { filterType: 'text', type: 'contains', filter: '四' } })).toEqual(['V2']);
    expect(await f({ priceFen: { filterType: 'number', type: 'blank' } })).toEqual(['G2']);
    expect(await f({ priceFen: { filterType: 'number', type: 'greaterThan', filter: 20_000_000 } })).toEqual(['V1', 'V3']);
    expect(await f({ priceFen: { filterType: 'number', type: 'inRange', filter: 300_000, filterTo: 1_000_000 } })).toEqual(['G1', 'C1']);
    expect(await f({ odometerKm: { filterType: 'text', type: 'startsWith', filter: '25' } })).toEqual(['V2']);
    expect(await f({ purchaseDate: { filterType: 'date', type: 'inRange', dateFrom: '2014-01-01 00:00:00', dateTo: '2021-01-01 00:00:00' } })).toEqual(['V1', 'V2']);
    expect(await find({ agency: '330105' })).toEqual(['V2', 'G2', 'C1']);
    expect(await find({ agency: '330100', agencyOnly: true })).toEqual(['V3']);
    expect(await find({ agency: '330100', statuses: ['in_service', 'under_repair', 'idle'], itemCode: 'S01' })).toEqual(['V1', 'V2']);
    expect(await find({ statuses: ['under_repair', 'scrapped'] })).toEqual(['V2', 'V3']);
  });

  it('sorts by any column with blanks first going up and last going down', async () => {
    expect(await find({}, [{ colId: 'plateNumber', sort: 'asc' }])).toEqual(['G1', 'G2', 'C1', 'V3', 'V1', 'V2']);
    expect(await find({}, [{ colId: 'plateNumber', sort: 'desc' }])).toEqual(['V2', 'V1', 'V3', 'C1', 'G2', 'G1']);
    expect(await find({}, [{ colId: 'priceFen', sort: 'desc' }])).toEqual(['V3', 'V1', 'V2', 'G1', 'C1', 'G2']);
    expect(await find({ statuses: ['in_service', 'under_repair', 'idle'] }, [{ colId: 'agencyCode', sort: 'asc' }, { colId: 'purchaseDate', sort: 'desc' }]))
      .toEqual(['G1', 'V1', 'C1', 'G2', 'V2']);
  });

  it('lists and counts what falls due, with each row\'s date, and counts the ledger by status', async () => {
    const due = async (kind: 'replacement' | 'calibration' | 'maintenance', until: string) =>
      (await page({ query: { due: { kind, until } } })).rows.map((r) => [r.assetTag, r.dueDate, ...(kind === 'replacement' ? [r.dueByKm] : [])]);
    expect(await due('replacement', today)).toEqual([['V1', '2023-01-01', false], ['V2', '2028-06-01', true]]);
    expect(await due('calibration', '2026-12-23')).toEqual([['G1', '2026-12-01'], ['G2', null]]);
    expect(await due('maintenance', today)).toEqual([['C1', '2026-11-01']]);
    expect(await store.read(async (tx) => [
      await countDue(tx, 'replacement', today), await countDue(tx, 'replacement', today, { agency: '330102' }),
      await countDue(tx, 'calibration', '2026-12-23', { itemCode: 'S15' }), await countDue(tx, 'calibration', '2026-11-30'),
      await countDue(tx, 'maintenance', '2026-10-31'),
    ])).toEqual([2, 1, 2, 1, 0]);
    const agencies = (await store.all<{ id: number }>(sql`select id from agencies`)).map((a) => a.id);
    expect(await countByStatus(store, agencies)).toEqual({ in_service: 4, under_repair: 1, idle: 0, scrapped: 1 });
    expect(await countHeld(store, agencies, ['S01'])).toBe(2);
  });

  it('registers, edits and bulk-edits assets with their custody and audit trail, and refuses what it must, writing nothing', async () => {
    const fields: AssetFields = {
      assetTag: 'NEW-1', itemCode: 'S01', agencyCode: '330102', model: '比亚迪 宋PLUS', serialNumber: 'SN-1', purchaseDate: '2026-01-10', priceFen: 21_000_000,
      fundingSource: '财政拨款', status: 'in_service', custodian: '赵六', location: '一号车库', plateNumber: '浙A77777', odometerKm: 1_200, calibrationValidUntil: null, notes: null,
    };
    const created = await store.write((tx) => createAsset(tx, who, fields));
    expect(created).toMatchObject({ assetTag: 'NEW-1', itemName: '执法执勤专用车(含设备)', agencyName: '上城大队', fundingSource: '财政拨款', location: '一号车库' });
    expect(await find({ quick: 'a7777' })).toEqual(['NEW-1']);
    const edited = await store.write((tx) => updateAsset(tx, who, created.id, { ...fields, custodian: '钱七', agencyCode: '330105', model: 'BYD Song' }));
    expect(edited).toMatchObject({ agencyCode: '330105', custodian: '钱七', model: 'BYD Song' });
    expect(await find({ quick: 'byd song' })).toEqual(['NEW-1']);

    const v1 = await idOf('V1');
    expect(await store.write((tx) => bulkUpdateAssets(tx, who, 'batch-1', [v1, created.id, v1], { custodian: '孙八' }))).toBe(2);
    expect(await find({ quick: '孙八' })).toEqual(['V1', 'NEW-1']);
    const audit = await store.read((tx) => listAudit(tx, { batch: 'batch-1' }, 0, 10, null, who.timeZone));
    expect(audit.total).toBe(3);
    expect(audit.rows.map((r) => [r.entity, r.entityKey, r.action, (r.before as AssetRow | null)?.custodian, (r.after as AssetRow).custodian])).toEqual([
      ['bulk-edit', '2', 'bulk', undefined, '孙八'], ['asset', 'NEW-1', 'update', '钱七', '孙八'], ['asset', 'V1', 'update', '王五', '孙八'],
    ]);
    const history = await store.read((tx) => assetHistory(tx, created.id));
    expect(history.custody.map((c) => [c.agencyCode, c.custodian, c.fromDate, c.toDate])).toEqual([
      ['330105', '孙八', today, null], ['330105', '钱七', today, today], ['330102', '赵六', today, today],
    ]);
    expect(history.audit.map((e) => e.action)).toEqual(['update', 'update', 'create']);
    expect(await store.all(sql`select custodian, to_date as "toDate" from custody_records where asset_id = ${v1} and to_date is null`)).toEqual([{ custodian: '孙八', toDate: null }]);

    const refused = (p: Promise<unknown>) => p.then(() => null, (e: UserError) => e.problems[0].message);
    const count = async () => (await store.get<{ n: number }>(sql`select (select count(*) from assets) + (select count(*) from audit_log) + (select count(*) from custody_records) as n`))!.n;
    const before = await count();
    expect(await refused(store.write((tx) => createAsset(tx, who, { ...fields, plateNumber: null })))).toBe('资产编号「NEW-1」已被其他装备使用');
    expect(await refused(store.write((tx) => bulkUpdateAssets(tx, who, 'batch-2', [v1, 999_999], { status: 'idle' })))).toBe('装备 #999999 不存在');
    const v3 = await idOf('V3');
    expect(await refused(store.write((tx) => bulkUpdateAssets(tx, who, 'batch-3', [v1, v3], { status: 'idle' }))))
      .toBe('所选装备中有 1 件已报废(如 V3),不能批量修改');
    expect(await refused(store.write((tx) => bulkUpdateAssets(tx, who, 'batch-4', [v1], { agencyCode: '999999' })))).toBe('机构「999999」不存在');
    expect(await count()).toBe(before);
  });
});

/** The first 50 rows of each query (without the ids the engines gave them) and its total. */
async function pages(tx: Tx, queries: Pick<AssetPage, 'query' | 'sort'>[]) {
  const out = [];
  for (const q of queries) {
    const { rows, total } = await listAssets(tx, { ...q, startRow: 0, endRow: 50 });
    out.push({ total, rows: rows.map(({ id: _, ...r }) => r) });
  }
  return out;
}

describe('the demo province', () => {
  it('loads into an empty ledger on either engine as the same ledger, and only into an empty one', async () => {
    const stores = [ledgerFile('demo.db').store, ...(postgresUrl ? [await emptyProvince()] : [])];
    const answers = [];
    for (const store of stores) {
      expect(await store.write((tx) => loadDemo(tx, who, today, 3_000))).toEqual({ agencies: 113, assets: expect.any(Number) });
      await expect(store.write((tx) => loadDemo(tx, who, today, 10))).rejects.toThrow('演示数据只能载入空台账');
      answers.push(await store.read(async (tx) => ({
        tree: await tx.all(sql`select a.code, p.code as parent from agencies a left join agencies p on p.id = a.parent_id order by a.code`),
        assets: await tx.all(sql`select s.asset_tag as tag, a.code as agency, s.status, s.custodian, s.plate_number as plate from assets s
          join agencies a on a.id = s.agency_id order by s.asset_tag`),
        services: await tx.all(sql`select s.asset_tag as tag, m.date, m.next_due_date as due from maintenance_records m join assets s on s.id = m.asset_id order by s.asset_tag, m.date`),
        pages: await pages(tx, [
          { query: { statuses: ['in_service', 'idle', 'under_repair'] }, sort: [{ colId: 'purchaseDate', sort: 'desc' }] },
          { query: { quick: '王' }, sort: [{ colId: 'plateNumber', sort: 'asc' }] },
          { query: { quick: '示a8' }, sort: [{ colId: 'custodian', sort: 'desc' }] },
          { query: { due: { kind: 'maintenance', until: today } }, sort: [{ colId: 'calibrationValidUntil', sort: 'asc' }] },
        ]),
        byStatus: await countByStatus(tx, (await tx.all<{ id: number }>(sql`select id from agencies`)).map((a) => a.id)),
        due: await countDue(tx, 'replacement', today),
        audit: await tx.all(sql`select actor, action, entity, entity_key as "key", after from audit_log where entity = 'ledger'`),
      })));
    }
    const [sqlite, postgres] = answers;
    expect(sqlite.tree).toHaveLength(113);
    expect(sqlite.pages.every((p) => p.total! > 0)).toBe(true);
    expect(sqlite.audit).toEqual([{ actor: 'tester', action: 'bulk', entity: 'ledger', key: '演示数据:示范省', after: JSON.stringify({ agencies: 113, assets: sqlite.assets.length }) }]);
    if (postgres) expect(postgres).toEqual(sqlite);
  }, 120_000);
});
