import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { BudgetResult, ContractFields, ContractRow, EditionComparisonResult, Overview, QuotaRow } from '../../api/contract';
import { addDays } from '../../lib/dates';
import { formatProblem } from '../../lib/problems';
import { testClock } from '../fixtures/context';
import { as, call, refused, rows, seededLedger } from '../fixtures/engine';
import { agency, asset, templateBuffer, xlsx } from '../fixtures/factories';

const clock = testClock('2026-11-23T01:00:00Z', 'Asia/Shanghai');
const today = clock.today();
const year = Number(today.slice(0, 4));

const CITY = agency({ code: 'C1', level: 'city', staff: 20, offices: 1 });
const K1 = agency({ code: 'K1', level: 'county', parentCode: 'C1', staff: 23, offices: 2 });
const K2 = agency({ code: 'K2', level: 'county', parentCode: 'C1', staff: 10, offices: 1 });

/**
 * A province's 2024-style edition: large drones (S09) at least one per agency, which a service may provide; cameras
 * (S10) two per city, 选配 at county level.
 */
const EDITION = xlsx([{ name: '表1', rows: [
  ['标准名称', '省 2024 年版(购买服务)'],
  ['发布文件', '环办执法〔2024〕27号'],
  [],
  ['类别', '代码', '名称', '单位', '省级', '市级', '县级', '可购买服务'],
  ['现场执法辅助设备', 'S09', '无人机(载荷大于4kg)', '架', '≥1/机构', '≥1/机构', '≥1/机构', '是'],
  ['现场执法辅助设备', 'S10', '数码照相机(防爆照相机)', '部', '1/机构', '2/机构', '选配', ''],
] }]);

const ledger = async () => {
  // K1 holds one camera, K2 none; neither holds a drone.
  const l = await seededLedger(templateBuffer([CITY, K1, K2], [asset({ agencyCode: 'K1', itemCode: 'S10', assetTag: 'K1-CAM-1' })]), clock);
  const admin = as(l);
  await call(admin, 'ruleSets/import', { fileName: '2024.xlsx', base64: EDITION.toString('base64'), id: 'p-2024' });
  return { l, admin, city: as(l, 'manager', { agencyCode: 'C1' }), k1: as(l, 'manager', { agencyCode: 'K1' }), k2: as(l, 'manager', { agencyCode: 'K2' }) };
};

/** A drone service for `covered`, in force from 100 days ago to `days` from today, at 50,000 yuan a year. */
const droneService = (signer: string, covered: string[], days = 20, over: Partial<ContractFields> = {}): ContractFields => ({
  agency: signer, provider: '某某航空科技有限公司', reference: 'FW-2026-01', validFrom: addDays(today, -100), validTo: addDays(today, days),
  costPerYearFen: 5_000_000, items: [{ item: 'S09', quantity: 1 }], agencies: covered, note: null, ...over,
});

const cell = (rows: QuotaRow[], agency: string, item: string) => rows.find((r) => r.agency === agency && r.item === item)!;
const shortfallOf = async (ctx: ReturnType<typeof as>, ruleSet: string, date?: string) =>
  (await call<{ rows: QuotaRow[] }>(ctx, 'quotas/shortfall', { ruleSet, ...(date && { date }) })).rows;
const messages = (problems: { message: string }[]) => problems.map(formatProblem).join('\n');

describe('service contracts (购买第三方服务) against editions of the standard', () => {
  it('counts a drone service as covering the quota where the edition allows it, apart from units owned, and not under 2020', async () => {
    const { city } = await ledger();
    const saved = await call<ContractRow>(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1']) });
    expect(saved).toMatchObject({ agency: 'C1', agencies: ['K1'], state: 'ending', mine: true, hiddenAgencies: 0 });

    const under2024 = await shortfallOf(city, 'p-2024');
    expect(cell(under2024, 'K1', 'S09')).toMatchObject({ required: 1, held: 0, contracted: 1, shortfall: 0 });
    expect(cell(under2024, 'K2', 'S09')).toMatchObject({ required: 1, held: 0, contracted: 0, shortfall: 1 });
    // 2020 admits no service: the same contract covers nothing.
    expect(cell(await shortfallOf(city, 'national-2020'), 'K1', 'S09')).toMatchObject({ required: 1, held: 0, contracted: 0, shortfall: 1 });
    // The day after its last day, the drone is missing again.
    expect(cell(await shortfallOf(city, 'p-2024', addDays(today, 21)), 'K1', 'S09')).toMatchObject({ contracted: 0, shortfall: 1 });
    // A contract not yet begun covers nothing either.
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K2'], 400, { validFrom: addDays(today, 1) }) });
    expect(cell(await shortfallOf(city, 'p-2024'), 'K2', 'S09')).toMatchObject({ contracted: 0, shortfall: 1 });

    // 选配 at county level: no quota, never a shortfall; the city still needs two cameras.
    expect(cell(under2024, 'K2', 'S10')).toMatchObject({ required: 0, shortfall: 0 });
    expect(cell(under2024, 'C1', 'S10')).toMatchObject({ required: 2, shortfall: 2 });
    expect(cell(await shortfallOf(city, 'national-2020'), 'K2', 'S10')).toMatchObject({ required: 2, shortfall: 2 });

    const compared = await call<EditionComparisonResult>(city, 'quotas/compare', { base: 'national-2020', other: 'p-2024' });
    expect(compared.changes.find((c) => c.agency === 'K1' && c.item === 'S09')).toMatchObject({ requiredBase: 1, requiredOther: 1, shortfallBase: 1, shortfallOther: 0 });
  });

  it('the budget request marks what a service may meet, and proposes renewing a contract that ends within the year at its yearly fee', async () => {
    const { city } = await ledger();
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1']) });
    // Ends next year: not this year's to renew.
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K2'], 400, { provider: '另一服务商', costPerYearFen: 1_000_000 }) });
    const r = await call<BudgetResult>(city, 'budget/request', { year, ruleSet: 'p-2024' });
    // Both counties' drones come by contract; the city's own is still to buy, or to contract.
    expect(r.rows.filter((l) => l.item === 'S09').map((l) => [l.agency, l.shortfall, l.service])).toEqual([['C1', 1, true]]);
    const cameras = r.rows.find((l) => l.agency === 'C1' && l.item === 'S10')!;
    expect(cameras).toMatchObject({ shortfall: 2, service: false });
    expect(r.renewals).toEqual([expect.objectContaining({ agency: 'C1', provider: '某某航空科技有限公司', validTo: addDays(today, 20), costPerYearFen: 5_000_000, items: 'S09 无人机(载荷大于4kg) ×1' })]);
    expect(r.renewFen).toBe(5_000_000);
    expect(r.totalFen).toBe(r.shortfallFen + r.replaceFen + 5_000_000);

    // Without contracts, the drones are a purchase the edition lets a service meet instead.
    const { city: fresh } = await ledger();
    const bare = await call<BudgetResult>(fresh, 'budget/request', { year, ruleSet: 'p-2024' });
    expect(bare.rows.filter((l) => l.item === 'S09').map((l) => [l.agency, l.shortfall, l.service])).toEqual([['C1', 1, true], ['K1', 1, true], ['K2', 1, true]]);
    expect(bare.renewals).toEqual([]);
    // Next year, the second contract falls due.
    const next = await call<BudgetResult>(city, 'budget/request', { year: year + 1, ruleSet: 'p-2024' });
    expect(next.renewals.map((c) => c.provider)).toEqual(['另一服务商']);
    // Under 2020, which admits no service, the drones are purchases and no contract is proposed.
    expect((await call<BudgetResult>(city, 'budget/request', { year, ruleSet: 'national-2020' })).renewals).toEqual([]);
    // A contract already followed by the next one for the same drones is not proposed again.
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1'], 400, { provider: '续签服务商', validFrom: addDays(today, 21) }) });
    expect((await call<BudgetResult>(city, 'budget/request', { year, ruleSet: 'p-2024' })).renewals).toEqual([]);
  });

  it('a contract ending within 30 days falls due on the overview of every agency it concerns', async () => {
    const { city, k1, k2 } = await ledger();
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1']) });
    await call(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1'], 31, { provider: '远期服务商' }) });
    expect((await call<Overview>(city, 'overview/summary', {})).contractsEnding).toBe(1);
    expect((await call<Overview>(k1, 'overview/summary', {})).contractsEnding).toBe(1);
    expect((await call<Overview>(k2, 'overview/summary', {})).contractsEnding).toBe(0);
    const states = (await call<ContractRow[]>(city, 'contracts/list', {})).map((c) => [c.provider, c.state]);
    expect(states).toEqual([['远期服务商', 'active'], ['某某航空科技有限公司', 'ending']]);
  });

  it('a county manager sees a city contract’s part that covers it, and changes only contracts wholly in its scope', async () => {
    const { l, city, k1, k2 } = await ledger();
    const shared = await call<ContractRow>(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1', 'K2']) });
    const seen = await call<ContractRow[]>(k1, 'contracts/list', {});
    expect(seen).toEqual([expect.objectContaining({ id: shared.id, agencies: ['K1'], hiddenAgencies: 1, mine: false })]);
    expect(messages(await refused(k1, 'contracts/delete', { id: shared.id }))).toContain(`服务合同 #${shared.id} 不存在`);
    expect(messages(await refused(k1, 'contracts/save', { id: shared.id, fields: droneService('K1', ['K1']) }))).toContain(`服务合同 #${shared.id} 不存在`);

    // Its own: signed by the county for itself.
    const own = await call<ContractRow>(k1, 'contracts/save', { id: null, fields: droneService('K1', ['K1'], 200, { provider: '县级服务商' }) });
    expect(own.mine).toBe(true);
    expect((await call<ContractRow[]>(k2, 'contracts/list', {})).map((c) => c.id)).toEqual([shared.id]);
    expect(messages(await refused(k2, 'contracts/delete', { id: own.id }))).toContain(`服务合同 #${own.id} 不存在`);
    expect(messages(await refused(k1, 'contracts/save', { id: null, fields: droneService('K2', ['K2']) }))).toContain('机构「K2」不在您的管辖范围内');
    expect(messages(await refused(k1, 'contracts/save', { id: null, fields: droneService('K1', ['K1', 'C1']) }))).toContain('机构「C1」不在您的管辖范围内');
    expect(messages(await refused(city, 'contracts/save', { id: null, fields: droneService('K1', ['K2']) }))).toContain('受服务机构「K2」不是签约机构「K1」或其下属机构');
    expect(messages(await refused(as(l, 'dispatcher', { agencyCode: 'C1' }), 'contracts/save', { id: null, fields: droneService('C1', ['K1']) }))).toContain('无权');

    // The head of the bureau may change it; the audit log keeps both versions, linked to every agency concerned.
    const head = as(l, 'head', { agencyCode: 'C1' });
    await call(head, 'contracts/save', { id: shared.id, fields: droneService('C1', ['K1', 'K2'], 20, { costPerYearFen: 6_000_000 }) });
    await call(k1, 'contracts/delete', { id: own.id });
    const audit = await rows<{ action: string; key: string }>(l, sql`select action, entity_key as key from audit_log where entity = 'service_contract' order by id`);
    expect(audit).toEqual([
      { action: 'create', key: String(shared.id) }, { action: 'create', key: String(own.id) }, { action: 'update', key: String(shared.id) }, { action: 'delete', key: String(own.id) },
    ]);
    const linked = await rows<{ code: string }>(l, sql`select distinct x.agency_code as code from audit_agencies x join audit_log g on g.id = x.audit_id
      where g.entity = 'service_contract' and g.action = 'update' order by x.agency_code`);
    expect(linked.map((r) => r.code)).toEqual(['C1', 'K1', 'K2']);
    // The county's head reads the entries its county is linked to, and learns nothing of its sibling from them.
    const read = await call<{ rows: object[] }>(as(l, 'head', { agencyCode: 'K1' }), 'audit/list', { query: { entity: 'service_contract' }, startRow: 0, endRow: 100 });
    expect(read.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(read.rows)).not.toContain('K2');
  });

  it('refuses a contract with a bad item, period, cost or duplicate line in Chinese, naming the field, and stores nothing', async () => {
    const { city } = await ledger();
    const bad = (over: Partial<ContractFields>) => refused(city, 'contracts/save', { id: null, fields: droneService('C1', ['K1'], 20, over) });
    expect(messages(await bad({ items: [{ item: 'ZZ99', quantity: 1 }] }))).toContain('未知装备代码「ZZ99」');
    expect(messages(await bad({ validFrom: addDays(today, 5), validTo: today }))).toContain('服务结束日期不能早于开始日期');
    expect(messages(await bad({ validTo: '2026-02-30' }))).toContain('服务结束日期');
    expect(messages(await bad({ costPerYearFen: -1 }))).toContain('年服务费不能为负数');
    expect(messages(await bad({ items: [{ item: 'S09', quantity: 1 }, { item: 'S09', quantity: 2 }] }))).toContain('同一装备品目只能填一行');
    expect(messages(await bad({ agencies: [] }))).toContain('请至少选择一个受服务机构');
    expect(messages(await bad({ agencies: ['NOPE'] }))).toContain('NOPE');
  });
});
