import { sql } from 'kysely';
import * as XLSX from 'xlsx';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Input, OpName, Output } from '../../api/contract';
import type { Role, SessionUser } from '../../api/roles';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { saveScoreChecklist } from '../../server/handlers/score';
import { openProvincial } from '../../db/pg';
import { postgresStore } from '../../db/store';
import { actorNow } from '../../db/queries/audit';
import { postgresUrl } from '../fixtures/postgres';
import { workbookBuffer } from '../../excel/write';
import { testClock } from '../fixtures/context';
import { as as signedIn, ENGINE, rows as query, seededLedger, snapshotOf, value } from '../fixtures/engine';
import { agency, asset, templateBuffer, units } from '../fixtures/factories';

// The figures below are worked out for this instant (09:00 on 23 November 2026 in Shanghai).
const clock = testClock('2026-11-23T01:00:00Z', 'Asia/Shanghai');

/**
 * A city C (10 staff: 2 vehicles required) with one county K (12 staff: 3 required).
 * C holds one vehicle, 8 years old on 2026-06-01; K holds three, one at 200,000 km and one due in 2027.
 * K also holds a small drone (optional) and a computer with no custodian.
 */
async function ledger() {
  const l = await seededLedger(templateBuffer(
    [agency({ code: 'C', level: 'city', staff: 10, latitude: 30, longitude: 120 }), agency({ code: 'K', level: 'county', parentCode: 'C', staff: 12, latitude: 30.1, longitude: 120 })],
    [
      asset({ assetTag: 'C-CAR', itemCode: 'S01', agencyCode: 'C', purchaseDate: '2018-06-01', odometerKm: 90_000, custodian: '张三' }),
      asset({ assetTag: 'K-FAR', itemCode: 'S01', agencyCode: 'K', purchaseDate: '2023-01-01', odometerKm: 200_000, custodian: '李四' }),
      asset({ assetTag: 'K-NEW', itemCode: 'S01', agencyCode: 'K', purchaseDate: '2023-01-01', odometerKm: 30_000, custodian: '李四' }),
      asset({ assetTag: 'K-2019', itemCode: 'S01', agencyCode: 'K', purchaseDate: '2019-03-01', odometerKm: 50_000, custodian: '李四' }),
      asset({ assetTag: 'K-DRONE', itemCode: 'O06', agencyCode: 'K', custodian: '王五' }),
      asset({ assetTag: 'K-PC', itemCode: 'S22', agencyCode: 'K', custodian: null }),
      ...units(2, { itemCode: 'S09', agencyCode: 'C', custodian: '张三' }),
    ],
  ), clock);
  const as = (role: Role, over: Partial<SessionUser> = {}) => signedIn(l, role, { username: role, ...over });
  return { l, as, admin: as('admin'), head: as('head') };
}

async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => JSON.stringify(p)).join('; ')}`);
  return r.value as Output<N>;
}

async function problems(ctx: Context, name: OpName, input: unknown) {
  const r = await dispatch(ctx, name, input);
  expect(r.ok, name).toBe(false);
  return r.ok ? [] : r.problems;
}

const sheetRows = (base64: string, sheet: number | string = 0) => {
  const wb = XLSX.read(Buffer.from(base64, 'base64'), { cellNF: true });
  const name = typeof sheet === 'number' ? wb.SheetNames[sheet] : sheet;
  return { names: wb.SheetNames, ws: wb.Sheets[name], rows: XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name], { header: 1, blankrows: false }) };
};

const S01_FEN = 25_000_000;

describe('the budget request', () => {
  it('asks, for each agency, the shortfall and the replacements due by 31 December, at unit price', async () => {
    const { head } = await ledger();
    const r = await call(head, 'budget/request', { year: 2026 });
    const s01 = r.rows.filter((x) => x.item === 'S01').map(({ agency, shortfall, replace, quantity, unitPriceFen, amountFen }) => ({ agency, shortfall, replace, quantity, unitPriceFen, amountFen }));
    expect(s01).toEqual([
      { agency: 'C', shortfall: 1, replace: 1, quantity: 2, unitPriceFen: S01_FEN, amountFen: 2 * S01_FEN },
      { agency: 'K', shortfall: 0, replace: 1, quantity: 1, unitPriceFen: S01_FEN, amountFen: S01_FEN },
    ]);
    expect(r.totalFen).toBe(r.rows.reduce((s, x) => s + x.amountFen, 0));
    expect(r.totalFen).toBe(r.shortfallFen + r.replaceFen);
    // 2027: K's 2019 vehicle reaches 8 years as well.
    const next = await call(head, 'budget/request', { year: 2027 });
    expect(next.rows.find((x) => x.agency === 'K' && x.item === 'S01')).toMatchObject({ replace: 2 });
  });

  it('rolls up an agency’s subtree, with the same total', async () => {
    const { head } = await ledger();
    const own = await call(head, 'budget/request', { year: 2026, agency: 'C' });
    const rolled = await call(head, 'budget/request', { year: 2026, agency: 'C', rollup: true });
    expect(new Set(rolled.rows.map((x) => x.agency))).toEqual(new Set(['C']));
    expect(rolled.rows.find((x) => x.item === 'S01')).toMatchObject({ shortfall: 1, replace: 2, quantity: 3, amountFen: 3 * S01_FEN });
    expect(rolled.rows.reduce((s, x) => s + x.amountFen, 0)).toBe(own.totalFen);
    expect(rolled.totalFen).toBe(own.totalFen);
    const k = await call(head, 'budget/request', { year: 2026, agency: 'K' });
    expect(new Set(k.rows.map((x) => x.agency))).toEqual(new Set(['K']));
  });

  it('refuses a past year and an agency outside the user’s scope', async () => {
    const { head, as } = await ledger();
    expect((await problems(head, 'budget/request', { year: 2025 }))[0].message).toContain('早于今年');
    const county = as('head', { agencyCode: 'K' });
    expect((await problems(county, 'budget/request', { year: 2026, agency: 'C' }))[0].message).toContain('不在您的管辖范围内');
    expect((await call(county, 'budget/request', { year: 2026 })).rows.every((x) => x.agency === 'K')).toBe(true);
  });

  it('exports a 预算申请表 a finance office accepts: one line per reason, subtotals, the total', async () => {
    const { head } = await ledger();
    const r = await call(head, 'budget/request', { year: 2026 });
    const file = await call(head, 'budget/export', { year: 2026 });
    const { names, ws, rows } = sheetRows(file.base64);
    expect(names).toEqual(['预算申请表', '按装备汇总', '说明']);
    expect(rows[0]).toEqual(['2026 年度执法装备购置预算申请表']);
    expect(rows[2]).toEqual(['序号', '单位', '装备代码', '装备名称', '计量单位', '数量', '单价(元)', '金额(元)', '申请理由']);
    const cityCars = rows.filter((x) => x[2] === 'S01' && x[1] === 'C执法大队');
    expect(cityCars.map((x) => [x[5], x[6], x[7], x[8]])).toEqual([[1, 250_000, 250_000, '缺额'], [1, 250_000, 250_000, '更新']]);
    const total = rows.find((x) => x[1] === '合计')!;
    expect(total[7]).toBe(r.totalFen / 100);
    const subtotals = rows.filter((x) => String(x[1]).endsWith('小计'));
    expect(subtotals).toHaveLength(2);
    expect(subtotals.reduce((s, x) => s + (x[7] as number), 0)).toBeCloseTo(r.totalFen / 100, 2);
    expect(ws['H4'].z).toBe('#,##0.00');
    const byItem = sheetRows(file.base64, '按装备汇总').rows;
    expect(byItem.find((x) => x[0] === 'S01')).toEqual(['S01', expect.any(String), '辆', 1, 2, 3, 250_000, 750_000]);
  });
});

describe('unit prices and replacement rules', () => {
  it('are the user’s to change: saved with an audit entry, used by the next budget', async () => {
    const { head } = await ledger();
    const terms = await call(head, 'budget/terms', {});
    const s01 = terms.find((t) => t.item === 'S01')!;
    expect(s01).toMatchObject({ unitPriceFen: S01_FEN, serviceYears: 8, serviceKm: 200_000, unit: '辆' });
    await call(head, 'budget/saveTerms', { terms: [{ ...s01, unitPriceFen: 18_000_050, priceNote: '2026 年协议价', serviceYears: 10 }] });
    const r = await call(head, 'budget/request', { year: 2026 });
    // At 10 years C's vehicle is not due; K's at 200,000 km still is.
    expect(r.rows.filter((x) => x.item === 'S01').map((x) => [x.agency, x.replace, x.amountFen])).toEqual([['C', 0, 18_000_050], ['K', 1, 18_000_050]]);
    const [audit] = await query<{ actor: string; before: string; after: string }>(head, sql`select actor, before, after from audit_log where entity = 'item_terms' and entity_key = 'S01' and action = 'update'`);
    expect(audit.actor).toBe('head');
    expect(JSON.parse(audit.before).unitPriceFen).toBe(S01_FEN);
    expect(JSON.parse(audit.after).unitPriceFen).toBe(18_000_050);
  });

  it('a price the user changes no longer says it is the default estimate, unless the user wrote a note of their own', async () => {
    const { head } = await ledger();
    const terms = await call(head, 'budget/terms', {});
    const [s01, s04] = ['S01', 'S04'].map((code) => terms.find((t) => t.item === code)!);
    expect(s01.priceNote).toBe('估算(默认值)');
    await call(head, 'budget/saveTerms', { terms: [{ ...s01, unitPriceFen: s01.unitPriceFen + 100 }, { ...s04, unitPriceFen: s04.unitPriceFen + 100, priceNote: '2026 年协议价' }] });
    const after = await call(head, 'budget/terms', {});
    expect(after.find((t) => t.item === 'S01')!.priceNote).toMatch(/^用户修改\(head,\d{4}-\d{2}-\d{2}\)$/);
    expect(after.find((t) => t.item === 'S04')!.priceNote).toBe('2026 年协议价');
    // A change of the replacement rule alone leaves the price's note as it was.
    const s02 = after.find((t) => t.item === 'S02')!;
    await call(head, 'budget/saveTerms', { terms: [{ ...s02, serviceYears: 7 }] });
    expect((await call(head, 'budget/terms', {})).find((t) => t.item === 'S02')!.priceNote).toBe('估算(默认值)');
  });

  it('may not be changed by a read-only user or a dispatcher, nor given an unknown item or a negative price', async () => {
    const { as, head } = await ledger();
    const s01 = (await call(head, 'budget/terms', {})).find((t) => t.item === 'S01')!;
    for (const role of ['readonly', 'dispatcher'] as const) await problems(as(role), 'budget/saveTerms', { terms: [s01] });
    expect((await problems(head, 'budget/saveTerms', { terms: [{ ...s01, item: 'S99' }] }))[0].message).toContain('S99');
    expect((await problems(head, 'budget/saveTerms', { terms: [{ ...s01, unitPriceFen: -1 }] }))[0].message).toContain('不能为负数');
  });

  it('round-trip through .xlsx; a bad file names sheet, row and column and changes nothing', async () => {
    const { head } = await ledger();
    const out = await call(head, 'budget/exportTerms', {});
    const { ws, rows } = sheetRows(out.base64);
    expect(rows[0]).toEqual(['装备代码', '装备名称', '计量单位', '单价(元)', '单价说明', '使用年限(年)', '更新里程(公里)', '年限说明']);
    expect(rows).toHaveLength(57);
    // The user raises the printer's price and shortens the terminal's life, in the exported file.
    const edit = rows.map((r) => [...r]);
    const s23 = edit.findIndex((r) => r[0] === 'S23');
    edit[s23][3] = '¥3,200.50';
    const s03 = edit.findIndex((r) => r[0] === 'S03');
    edit[s03][5] = 4;
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(edit), '单价与更新年限');
    expect(await call(head, 'budget/importTerms', { fileName: 'p.xlsx', base64: XLSX.write(wb, { type: 'base64', bookType: 'xlsx' }) })).toEqual({ changed: 2 });
    const after = await call(head, 'budget/terms', {});
    expect(after.find((t) => t.item === 'S23')!.unitPriceFen).toBe(320_050);
    expect(after.find((t) => t.item === 'S03')!.serviceYears).toBe(4);
    expect(ws['D2'].z).toBe('#,##0.00');

    const before = await snapshotOf(head);
    const bad = rows.map((r) => [...r]);
    bad[3][3] = -5;
    bad[4][0] = 'S99';
    bad[5][5] = '五年';
    bad[6][0] = 'S01';
    const file = workbookBuffer([{ name: '单价与更新年限', rows: bad as never }]).toString('base64');
    const p = await problems(head, 'budget/importTerms', { fileName: 'bad.xlsx', base64: file });
    const where = p.map((x) => `${x.sheet}!${x.column}${x.row}`);
    expect(where).toEqual(expect.arrayContaining(['单价与更新年限!D4', '单价与更新年限!A5', '单价与更新年限!F6', '单价与更新年限!A7']));
    expect(p.every((x) => x.file === 'bad.xlsx')).toBe(true);
    expect(await snapshotOf(head)).toEqual(before);
    expect((await problems(head, 'budget/importTerms', { fileName: 'x.xlsx', base64: Buffer.from('not a spreadsheet').toString('base64') }))[0].file).toBe('x.xlsx');
  });
});

describe('the purchase plan through the api', () => {
  it('spends within each year’s cap and says what is left open', async () => {
    const { head } = await ledger();
    const caps = [30_000_000, 30_000_000, 30_000_000];
    const weights = { vehicles: 1000, perPerson: 1, other: 1 };
    const p = await call(head, 'budget/plan', { fromYear: 2026, capsFen: caps, weights });
    expect(p.status).toBe('Optimal');
    expect(p.years.map((y) => y.year)).toEqual([2026, 2027, 2028]);
    p.years.forEach((y, k) => expect(y.spentFen).toBeLessThanOrEqual(caps[k]));
    expect(p.spentFen).toBe(p.purchases.reduce((s, x) => s + x.amountFen, 0));
    // Vehicles weighted far above the rest: one a year fits under 300,000, the rest of the money buys smaller items.
    expect(p.purchases.filter((x) => x.item === 'S01').map((x) => x.year)).toEqual([2026, 2027, 2028]);
    expect(p.purchases.filter((x) => x.item !== 'S01').length).toBeGreaterThan(0);
    const file = await call(head, 'budget/exportPlan', { fromYear: 2026, capsFen: caps, weights });
    expect(sheetRows(file.base64).names).toEqual(['年度汇总', '购置明细', '说明']);
  });
});

describe('the score card through the api', () => {
  it('counts optional units a higher level dispatched to key tasks (item 10), and the checklist', async () => {
    const { admin } = await ledger();
    const before = await call(admin, 'score/card', { agency: 'K' });
    expect(before.items[9]).toMatchObject({ no: 10, points: 0 });
    expect(before.items[8]).toMatchObject({ no: 9, points: 5, source: 'ledger' });
    expect(before.items[11].why).toContain('1 件在册装备未填保管人');
    expect(before.ruleSet).toBe('zhejiang-2022');
    // The city leads a task that takes K's small drone: dispatched, it is one 台次.
    const task = await call(admin, 'tasks/save', { id: null, fields: {
      code: null, name: '交叉检查', type: 'cross', leadAgency: 'C', locationAgency: null, latitude: null, longitude: null,
      startDate: '2026-12-01', endDate: '2026-12-03', priority: 3, teamSize: null, notes: null, demand: [{ item: 'O06', quantity: 1 }],
    } });
    const plan = await call(admin, 'plans/create', { taskIds: [task.id] });
    expect(plan.assignments.map((a) => a.fromCode)).toEqual(['K']);
    await call(admin, 'plans/approve', { id: plan.id, approvalRef: null });
    await call(admin, 'plans/dispatch', { id: plan.id, date: '2026-12-01' });
    const after = await call(admin, 'score/card', { agency: 'K' });
    expect(after.items[9]).toMatchObject({ points: 6, source: 'ledger' });
    expect(after.items[9].why).toContain('1 台次');
    // The city led it: its dispatch system shows, but nothing of its own was sent by a higher level.
    expect((await call(admin, 'score/card', { agency: 'C' })).items[9].points).toBe(5);

    const saved = await call(admin, 'score/saveChecklist', { agency: 'K', year: 2026, answers: { plan: true, trainingOwn: true, localDevices: ['走航监测车'] } });
    expect(saved.items.slice(0, 3).map((i) => i.points)).toEqual([5, 0, 0]);
    expect(saved.items[10].points).toBe(3);
    expect(saved.total).toBe(after.total + 5 + 3 + 1);
    expect(saved.checklistBy?.actor).toBe('admin');
    expect(await value(admin, sql<{ n: number }>`select count(*) as n from audit_log where entity = 'score_checklist' and entity_key = 'K/2026'`)).toBe(1);
    // Another year has its own checklist.
    expect((await call(admin, 'score/card', { agency: 'K', year: 2027 })).items[0].points).toBe(0);
  });

  it('exports the card, proposes purchases for a budget, and refuses the checklist to a read-only user', async () => {
    const { admin, as } = await ledger();
    const file = await call(admin, 'score/export', { agency: 'K' });
    const { rows } = sheetRows(file.base64);
    expect(rows[2]).toEqual(['序号', '类别', '评价指标', '分值', '得分', '评分依据', '来源']);
    expect(rows.slice(3, 16).map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const raise = await call(admin, 'score/raise', { agency: 'K', budgetFen: 100_000_000 });
    expect(raise.after).toBeGreaterThan(raise.before);
    expect(raise.costFen).toBeLessThanOrEqual(100_000_000);
    expect(raise.costFen).toBe(raise.purchases.reduce((s, p) => s + p.amountFen, 0));
    await problems(as('readonly'), 'score/saveChecklist', { agency: 'K', year: 2026, answers: { plan: true } });
    expect((await problems(admin, 'score/saveChecklist', { agency: 'K', year: 2026, answers: { plan: 'yes' } })).length).toBeGreaterThan(0);
  });
});

describe('the score card of a county, for its own manager', () => {
  it('is read, and its checklist kept with an audit entry per save, for the county; another county’s is refused and left as it was', async () => {
    const { admin, as } = await ledger();
    await call(admin, 'agencies/create', agency({ code: 'K2', level: 'county', parentCode: 'C', staff: 6 }));
    const manager = as('manager', { agencyCode: 'K' });
    const own = await call(manager, 'score/card', { agency: 'K' });
    expect(own).toMatchObject({ agency: 'K', agencyName: 'K执法大队', year: 2026, ruleSet: 'zhejiang-2022', checklist: {}, checklistBy: null });
    expect(own.items[8]).toMatchObject({ no: 9, points: 5, source: 'ledger' });
    expect(own.items[11].why).toContain('1 件在册装备未填保管人');
    const answers = { plan: true, trainingOwn: true, localDevices: ['走航监测车'] };
    const saved = await call(manager, 'score/saveChecklist', { agency: 'K', year: 2026, answers });
    expect(saved.items.slice(0, 3).map((i) => i.points)).toEqual([5, 0, 0]);
    expect(saved.items[10].points).toBe(3);
    expect(saved.total).toBe(own.total + 5 + 3 + 1);
    expect(saved.checklistBy?.actor).toBe('manager');
    expect(await call(manager, 'score/card', { agency: 'K' })).toMatchObject({ checklist: answers, total: saved.total });
    await call(manager, 'score/saveChecklist', { agency: 'K', year: 2026, answers: { ...answers, plan: false } });
    const audit = await query<{ action: string; actor: string }>(admin, sql`select action, actor from audit_log where entity = 'score_checklist' and entity_key = 'K/2026' order by id`);
    expect(audit).toEqual([{ action: 'create', actor: 'manager' }, { action: 'update', actor: 'manager' }]);
    expect((await call(manager, 'score/card', { agency: 'K', year: 2027 })).checklistBy).toBeNull();

    const before = await snapshotOf(admin);
    const refused: [OpName, unknown][] = [
      ['score/card', { agency: 'K2' }], ['score/card', { agency: 'C' }], ['score/export', { agency: 'K2' }],
      ['score/raise', { agency: 'K2', budgetFen: 10_000_000 }], ['score/saveChecklist', { agency: 'K2', year: 2026, answers: { plan: true } }],
    ];
    for (const [name, input] of refused) expect((await problems(manager, name, input))[0].message, name).toContain('不在您的管辖范围内');
    expect(await snapshotOf(admin)).toEqual(before);
    // The city's manager reads both its counties.
    expect((await call(as('manager', { agencyCode: 'C' }), 'score/card', { agency: 'K2' })).agencyName).toBe('K2执法大队');
  });

  it.skipIf(ENGINE !== 'postgres')('saved at once by two server processes on one provincial database, is created once and then updated, never created twice', async () => {
    const { l } = await ledger();
    const [{ name }] = await query<{ name: string }>(l, sql`select current_database() as name`);
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    const other = postgresStore(await openProvincial(url.toString()));
    onTestFinished(() => other.close());
    const today = clock.today();
    for (const year of [2026, 2027, 2028, 2029, 2030]) {
      const [mine, theirs] = [{ plan: true }, { finance: true }];
      await Promise.all([
        l.store.write((tx) => saveScoreChecklist(tx, actorNow('甲', clock), { agency: 'K', year, answers: mine }, today, clock.timeZone)),
        other.write((tx) => saveScoreChecklist(tx, actorNow('乙', clock), { agency: 'K', year, answers: theirs }, today, clock.timeZone)),
      ]);
      const audit = await query<{ action: string; actor: string; before: string | null; after: string }>(l, sql`select action, actor, before, after from audit_log
        where entity = 'score_checklist' and entity_key = ${`K/${year}`} order by id`);
      expect(audit.map((a) => a.action)).toEqual(['create', 'update']);
      // The second saw the first's answers and replaced them; the stored checklist is the second's.
      expect(JSON.parse(audit[1].before!)).toEqual(JSON.parse(audit[0].after));
      const stored = await query<{ answers: string; by: string }>(l, sql`select answers, updated_by as "by" from score_checklists s join agencies a on a.id = s.agency_id
        where a.code = 'K' and s.year = ${year}`);
      expect(stored).toEqual([{ answers: audit[1].after, by: audit[1].actor }]);
    }
  });
});

describe('chart figures', () => {
  it('match the ledger and export as .xlsx with the key figures above the table', async () => {
    const { head } = await ledger();
    const c = await call(head, 'charts/data', {});
    expect(c.vehicleAge.rows.reduce((s, r) => s + (r.count as number), 0)).toBe(4);
    expect(c.vehicleAge.subtitle).toContain('使用满 8 年 1 辆,占 25%');
    expect(c.odometer.subtitle).toContain('达到 20 万公里 1 辆,占 25%');
    expect(c.staffPerVehicle.rows.map((r) => [r.agency, r.ratio])).toEqual([['C', 10], ['K', 4]]);
    expect(c.coverage.rows).toHaveLength(2);
    expect(c.budgetByYear.rows.map((r) => r.year)).toEqual(['2026', '2027', '2028', '2029', '2030']);
    const r2026 = await call(head, 'budget/request', { year: 2026 });
    expect(c.budgetByYear.rows[0].total).toBeCloseTo(r2026.totalFen / 100, 2);
    const file = await call(head, 'charts/export', { chart: 'vehicleAge' });
    const { rows } = sheetRows(file.base64);
    expect(rows[0]).toEqual(['车辆车龄分布']);
    expect(rows[2]).toEqual(['车龄(满 N 年)', '车辆数']);
    expect(rows.slice(3).reduce((s, r) => s + (r[1] as number), 0)).toBe(4);
  });
});
