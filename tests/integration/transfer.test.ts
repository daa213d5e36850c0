import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { openProvincial } from '../../db/pg';
import { postgresStore, sqliteStore, type Store } from '../../db/store';
import { transferLedger } from '../../db/transfer';
import { UserError } from '../../lib/problems';
import { dispatch } from '../../server/dispatch';
import { contextAs, testClock } from '../fixtures/context';
import { agency, asset, seedTemplate, tempDir, templateBuffer, units } from '../fixtures/factories';
import { freshDatabase, postgresUrl } from '../fixtures/postgres';

const clock = testClock();
const who = () => ({ actor: 'migrator', at: clock.now().toISOString() });
const opened: Store[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** A county's own ledger file: its city above it, two cars, a gas detector with its records, a manager, and its audit log. */
async function countyFile(code: string, tags: string[], over: { parentCode?: string; username?: string } = {}) {
  const { db } = openDatabase(join(tempDir(), `${code}.db`));
  const ctx = contextAs(db, `${code}.db`, 'admin', { username: 'admin' }, clock);
  await seedTemplate(db, templateBuffer(
    [agency({ code: over.parentCode ?? '330100', name: '市支队', level: 'city', staff: 40 }),
      agency({ code, name: `${code} 大队`, level: 'county', parentCode: over.parentCode ?? '330100', staff: 23 })],
    [...units(2, { itemCode: 'S01', agencyCode: code }).map((a, i) => ({ ...a, assetTag: tags[i] })),
      asset({ assetTag: tags[2], itemCode: 'S15', agencyCode: code })],
  ), { file: 't.xlsx', who: ctx.who(), today: ctx.today() });
  const call = async (name: string, input: unknown) => {
    const r = await dispatch(ctx, name, input);
    if (!r.ok) throw new UserError(r.problems);
    return r.value as { id: number };
  };
  const detector = db.$client.prepare('select id from assets where asset_tag = ?').pluck().get(tags[2]) as number;
  await call('maintenance/create', { assetId: detector, date: clock.today(), kind: 'service', description: '年度保养', costFen: 12_000, vendor: null, odometerKm: null, nextDueDate: null, setStatus: null });
  await call('disposals/request', { assetId: detector, reason: '传感器老化' });
  await call('users/create', { username: 'admin', displayName: '县系统管理员', role: 'admin', agencyCode: null, password: 'county-admin-2026' });
  await call('users/create', { username: over.username ?? `mgr-${code}`, displayName: '县装备管理员', role: 'manager', agencyCode: code, password: 'county-pass-2026' });
  return { store: sqliteStore(db), file: `${code}.db`, ctx };
}

const targets: { name: string; open: () => Promise<Store> }[] = [
  { name: 'SQLite', open: async () => sqliteStore(openDatabase(join(tempDir(), 'province.db')).db) },
  ...(postgresUrl ? [{ name: 'PostgreSQL', open: async () => postgresStore(await openProvincial(await freshDatabase())) }] : []),
];

async function province(target: (typeof targets)[number]): Promise<Store> {
  const store = await target.open();
  opened.push(store);
  // The province's own tree, as its administrator set it up.
  await store.run(sql`insert into agencies (code, name, level) values ('330000', '浙江省总队', 'province')`);
  await store.run(sql`insert into agencies (code, name, level, parent_id) select '330100', '杭州市支队', 'city', id from agencies where code = '330000'`);
  return store;
}

const tableCounts = async (s: Store) => Object.fromEntries(await Promise.all(
  ['agencies', 'assets', 'maintenance_records', 'disposals', 'custody_records', 'users', 'audit_log', 'audit_agencies', 'catalog_items', 'rule_sets', 'quota_rules']
    .map(async (t) => [t, Number((await s.get<{ n: number }>(sql`select count(*) as n from ${sql.table(t)}`))!.n)])));

describe.each(targets)('moving bureaus\' ledgers into one on $name', (target) => {
  it('carries a county\'s agencies, assets with their records, its manager and its audit log, with their times; a second run adds nothing', async () => {
    const to = await province(target);
    const county = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    opened.push(county.store);
    const { last } = (await to.get<{ last: number }>(sql`select coalesce(max(id), 0) as last from audit_log`))!;
    const summary = await transferLedger(county.store, to, county.file, who());
    expect(summary).toMatchObject({ agencies: { added: 1, present: 1 }, assets: { added: 3, present: 0 }, records: 2, users: { added: 1, present: 0 } });
    expect(summary.notCarried).toEqual([expect.stringContaining('本机的全台账账户 admin')]);

    const carried = await to.all(sql`select s.asset_tag, a.code, p.code as parent, s.status from assets s join agencies a on a.id = s.agency_id
      join agencies p on p.id = a.parent_id order by s.asset_tag`);
    expect(carried).toEqual([
      { asset_tag: 'XC-001', code: '330102', parent: '330100', status: 'in_service' },
      { asset_tag: 'XC-002', code: '330102', parent: '330100', status: 'in_service' },
      { asset_tag: 'XC-GAS', code: '330102', parent: '330100', status: 'in_service' },
    ]);
    expect(await to.get(sql`select m.description, m.cost_fen, m.date from maintenance_records m join assets s on s.id = m.asset_id where s.asset_tag = 'XC-GAS'`))
      .toEqual({ description: '年度保养', cost_fen: 12_000, date: clock.today() });
    expect(await to.get(sql`select d.status, d.reason, d.requested_by from disposals d`)).toEqual({ status: 'requested', reason: '传感器老化', requested_by: 'admin' });
    // The manager signs in on the province's server with the password of the county's file.
    const [source] = await county.store.all<{ password_hash: string }>(sql`select password_hash from users where username = 'mgr-330102'`);
    expect(await to.get(sql`select u.role, a.code, u.password_hash from users u join agencies a on a.id = u.agency_id where u.username = 'mgr-330102'`))
      .toEqual({ role: 'manager', code: '330102', password_hash: source.password_hash });
    // The county's audit entries keep their instants and their agencies (the county manager reads them).
    const sourceAudit = await county.store.all<{ at: string }>(sql`select at, action, entity, entity_key from audit_log where actor <> 'system' order by id`);
    const targetAudit = await to.all(sql`select at, action, entity, entity_key from audit_log where id > ${last} and entity <> 'transfer' order by id`);
    expect(targetAudit).toEqual(sourceAudit);
    expect(await to.get(sql`select count(*) as n from audit_agencies x join audit_log l on l.id = x.audit_id where x.agency_code = '330102' and l.entity = 'asset'`))
      .toEqual({ n: 3 });
    expect(await to.get(sql`select actor, entity_key from audit_log where entity = 'transfer'`)).toEqual({ actor: 'migrator', entity_key: '330102.db' });

    const before = await tableCounts(to);
    const again = await transferLedger(county.store, to, county.file, who());
    expect(again).toMatchObject({ agencies: { added: 0 }, assets: { added: 0, present: 3 }, records: 0, users: { added: 0, present: 1 }, audit: { added: 0 } });
    expect(await tableCounts(to)).toEqual(before);
  });

  it('carries the county\'s blank labels and its stocktake with what it expected, scanned and found; a second run adds nothing', async () => {
    const to = await province(target);
    const county = await countyFile('330103', ['XD-001', 'XD-002', 'XD-GAS']);
    opened.push(county.store);
    await county.store.write((tx) => tx.run(sql`insert into blank_labels (code, agency_id, printed_by, printed_at)
      select 'BL-9', id, 'admin', ${who().at} from agencies where code = '330103'`));
    const countyCtx = county.ctx;
    const call = async <T>(name: string, input: unknown) => {
      const r = await dispatch(countyCtx, name, input);
      if (!r.ok) throw new UserError(r.problems);
      return r.value as T;
    };
    const { id } = await call<{ id: number }>('stocktakes/start', { agencyCode: '330103', title: '年度盘点' });
    await call('stocktakes/scan', { id, scans: [{ code: 'XD-001' }, { code: 'BL-9' }], source: 'typed' });
    await call('stocktakes/close', { id });
    await transferLedger(county.store, to, county.file, who());
    expect(await to.all(sql`select t.title, t.status, a.code, (select count(*) from stocktake_expected e where e.stocktake_id = t.id) as expected
      from stocktakes t join agencies a on a.id = t.agency_id`)).toEqual([{ title: '年度盘点', status: 'closed', code: '330103', expected: 3 }]);
    expect(await to.all(sql`select c.code, c.outcome, s.asset_tag from stocktake_scans c left join assets s on s.id = c.asset_id order by c.id`))
      .toEqual([{ code: 'XD-001', outcome: 'matched', asset_tag: 'XD-001' }, { code: 'BL-9', outcome: 'surplus', asset_tag: null }]);
    expect(await to.all(sql`select d.kind, d.code, ea.code as agency from stocktake_differences d left join agencies ea on ea.id = d.expected_agency_id order by d.kind, d.code`))
      .toEqual([{ kind: 'missing', code: 'XD-002', agency: '330103' }, { kind: 'missing', code: 'XD-GAS', agency: '330103' }, { kind: 'surplus', code: 'BL-9', agency: null }]);
    expect(await to.all(sql`select b.code, a.code as agency from blank_labels b join agencies a on a.id = b.agency_id`)).toEqual([{ code: 'BL-9', agency: '330103' }]);
    const counts = async () => Object.fromEntries(await Promise.all(['stocktakes', 'stocktake_expected', 'stocktake_scans', 'stocktake_differences', 'blank_labels']
      .map(async (t) => [t, Number((await to.get<{ n: number }>(sql`select count(*) as n from ${sql.table(t)}`))!.n)])));
    const before = await counts();
    await transferLedger(county.store, to, county.file, who());
    expect(await counts()).toEqual(before);
  });

  it('says that the county\'s service contracts stay in its file, to be entered again', async () => {
    const to = await province(target);
    const county = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    opened.push(county.store);
    const r = await dispatch(county.ctx, 'contracts/save', { id: null, fields: {
      agency: '330102', provider: '某服务商', reference: null, validFrom: '2026-01-01', validTo: '2026-12-31', costPerYearFen: 100, items: [{ item: 'S09', quantity: 1 }], agencies: ['330102'], note: null,
    } });
    expect(r.ok).toBe(true);
    const summary = await transferLedger(county.store, to, county.file, who());
    expect(summary.notCarried).toContainEqual('本机的 1 份服务合同未迁移,仍在原文件中:请在目标台账「配备达标 → 购买服务」中重新登记');
  });

  it('refuses a file holding a tag another county already registered, naming both, and writes nothing of it', async () => {
    const to = await province(target);
    const first = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    const second = await countyFile('330105', ['GS-001', 'XC-002', 'GS-GAS']);
    opened.push(first.store, second.store);
    await transferLedger(first.store, to, first.file, who());
    const before = await tableCounts(to);
    const refusal = await transferLedger(second.store, to, second.file, who()).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(UserError);
    expect((refusal as UserError).problems).toEqual([{
      file: '330105.db', field: '资产编号',
      message: '资产编号 XC-002 在目标台账中属于 330102(330102 大队),本文件中属于 330105;同一编号不能登记在两个机构',
    }]);
    expect(await tableCounts(to)).toEqual(before);
  });

  it('refuses an agency the file puts under another parent, and a user name another agency holds', async () => {
    const to = await province(target);
    await to.run(sql`insert into agencies (code, name, level, parent_id) select '330200', '宁波市支队', 'city', id from agencies where code = '330000'`);
    const first = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS'], { username: 'zhang' });
    opened.push(first.store);
    await transferLedger(first.store, to, first.file, who());
    const moved = await countyFile('330102', ['XC-101', 'XC-102', 'XC-103'], { parentCode: '330200', username: 'zhang' });
    const other = await countyFile('330205', ['NB-001', 'NB-002', 'NB-GAS'], { parentCode: '330200', username: 'zhang' });
    opened.push(moved.store, other.store);
    const before = await tableCounts(to);
    const parent = (await transferLedger(moved.store, to, moved.file, who()).catch((e: unknown) => e)) as UserError;
    expect(parent.problems.map((p) => p.field)).toContain('上级机构');
    expect(parent.problems.find((p) => p.field === '上级机构')!.message).toContain('上级为 330100,本文件中为 330200');
    const user = (await transferLedger(other.store, to, other.file, who()).catch((e: unknown) => e)) as UserError;
    expect(user.problems).toEqual([{ file: '330205.db', field: '用户名', message: '用户名 zhang 在目标台账中已属于 330102,本文件中属于 330205' }]);
    expect(await tableCounts(to)).toEqual(before);
  });

  it('refuses a county whose file names no parent when the province does not hold it yet', async () => {
    const to = await province(target);
    const { db } = openDatabase(join(tempDir(), 'alone.db'));
    const ctx = contextAs(db, 'alone.db', 'admin', {}, clock);
    await seedTemplate(db, templateBuffer([agency({ code: '330300', name: '温州市支队', level: 'city' })]), { file: 't.xlsx', who: ctx.who(), today: ctx.today() });
    const alone = sqliteStore(db);
    opened.push(alone);
    const refusal = (await transferLedger(alone, to, 'alone.db', who()).catch((e: unknown) => e)) as UserError;
    expect(refusal.problems).toEqual([{ file: 'alone.db', field: '上级机构', message: expect.stringContaining('机构 330300(温州市支队)在目标台账中没有,本文件也未给出其上级') }]);
  });
});

describe.each(targets)('what a bureau\'s file may not bring along, on $name', (target) => {
  it('leaves behind an account the file scopes to an agency the province already holds, such as the city above the county', async () => {
    const to = await province(target);
    const county = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    opened.push(county.store);
    // Written into the county's own file by whoever holds it: an administrator of the whole city, with a password the county knows.
    await county.store.run(sql`insert into users (username, display_name, role, agency_id, password_hash, active, created_at)
      select 'city-boss', '市支队管理员', 'admin', (select id from agencies where code = '330100'), password_hash, 1, created_at from users where username = 'mgr-330102'`);
    const summary = await transferLedger(county.store, to, county.file, who());
    expect(await to.get(sql`select count(*) as n from users where username = 'city-boss'`)).toEqual({ n: 0 });
    expect(summary.users).toEqual({ added: 1, present: 0 });
    expect(summary.notCarried).toContainEqual(expect.stringContaining('city-boss'));
    // The county's own manager still moves, and a second run neither adds nor refuses anything.
    expect(await to.get(sql`select a.code from users u join agencies a on a.id = u.agency_id where u.username = 'mgr-330102'`)).toEqual({ code: '330102' });
    const again = await transferLedger(county.store, to, county.file, who());
    expect(again.users).toEqual({ added: 0, present: 1 });
  });

  it('refuses a file whose agencies are each other\'s parents, rather than carrying their accounts as whole-ledger ones', async () => {
    const to = await province(target);
    const county = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    opened.push(county.store);
    await county.store.run(sql`insert into agencies (code, name, level) values ('339901', '甲', 'county'), ('339902', '乙', 'county')`);
    await county.store.run(sql`update agencies set parent_id = (select id from agencies where code = '339902') where code = '339901'`);
    await county.store.run(sql`update agencies set parent_id = (select id from agencies where code = '339901') where code = '339902'`);
    await county.store.run(sql`insert into users (username, display_name, role, agency_id, password_hash, active, created_at)
      select 'loop', '环', 'admin', (select id from agencies where code = '339901'), password_hash, 1, created_at from users where username = 'mgr-330102'`);
    const before = await tableCounts(to);
    const refusal = (await transferLedger(county.store, to, county.file, who()).catch((e: unknown) => e)) as UserError;
    expect(refusal).toBeInstanceOf(UserError);
    expect(refusal.problems.map((p) => p.message)).toContainEqual(expect.stringContaining('339901'));
    expect(await tableCounts(to)).toEqual(before);
    expect(await to.get(sql`select count(*) as n from users where agency_id is null`)).toEqual({ n: 0 });
  });
});

describe.each(targets)('what a bureau\'s file may not change for others, on $name', (target) => {
  it('adds no rule to a standard the province already holds, and shows no entry of the file to an agency it does not bring', async () => {
    const to = await province(target);
    await to.run(sql`insert into agencies (code, name, level, parent_id) select '330105', '西湖区执法大队', 'county', id from agencies where code = '330100'`);
    const first = await countyFile('330102', ['XC-001', 'XC-002', 'XC-GAS']);
    const second = await countyFile('330106', ['ZJ-001', 'ZJ-002', 'ZJ-GAS']);
    opened.push(first.store, second.store);
    await transferLedger(first.store, to, first.file, who());
    const rules = await tableCounts(to);
    // Written into the second county's own file: a quota every county of the province would be measured against,
    // and an entry put in the audit log of a neighbouring county.
    expect(await second.store.run(sql`insert into quota_rules (rule_set_id, item_code, level, basis, quantity, per)
      select r.id, c.code, 'county', 'per_agency', 99, 1 from rule_sets r, catalog_items c
      where not exists (select 1 from quota_rules q where q.rule_set_id = r.id and q.item_code = c.code and q.level = 'county') limit 1`)).toBe(1);
    const forged = await second.store.get<{ id: number }>(sql`insert into audit_log (at, actor, action, entity, entity_key, after)
      values ('2026-01-05T02:00:00.000Z', 'zhang', 'delete', 'asset', 'XH-001', '{}') returning id`);
    await second.store.run(sql`insert into audit_agencies (audit_id, agency_code) values (${forged!.id}, '330105')`);
    await transferLedger(second.store, to, second.file, who());
    expect(await to.get(sql`select count(*) as n from quota_rules where quantity = 99`)).toEqual({ n: 0 });
    expect((await tableCounts(to)).quota_rules).toBe(rules.quota_rules);
    expect(await to.get(sql`select count(*) as n from audit_agencies where agency_code = '330105'`)).toEqual({ n: 0 });
    // The county's own entries are still its own.
    expect(await to.get(sql`select count(*) as n from audit_agencies x join audit_log l on l.id = x.audit_id where x.agency_code = '330106' and l.entity = 'asset'`))
      .toEqual({ n: 3 });
  });
});
