import type { ChartName, ChartTable, ExportFormat, FileOut } from '../../api/contract';
import { addDays, addYears, type IsoDate } from '../../lib/dates';
import { fenToYuan } from '../../lib/money';
import { exportFile } from '../../excel/export';
import { FORMAT, type OutValue } from '../../excel/write';
import type { Db } from '../../db/types';
import { needsByYear } from '../../quotas/budget';
import { cellValue } from '../../quotas/engine';
import { VEHICLE_ITEMS } from '../../quotas/replacement';
import { budgetBasis } from './budget';

const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 1000) / 10);
const AGE_BINS = 16;
const KM_BIN = 20_000;
const KM_BINS = 16;
const BUDGET_YEARS = 5;

/** The figures behind the overview's and the compliance screen's charts, for an agency's subtree or the whole ledger. */
export function chartData(db: Db, input: { agency?: string; ruleSet?: string }, today: IsoDate): Record<ChartName, ChartTable> {
  const { agencies, matrix, terms, units: live, due, scope } = budgetBasis(db, input, today);
  const inScope = (code: string) => scope === null || scope.has(code);
  const n = matrix.catalog.length;
  const s01 = matrix.catalog.findIndex((c) => c.code === 'S01');

  const coverage: ChartTable['rows'] = [];
  const perVehicle: ChartTable['rows'] = [];
  let staff = 0;
  let vehicles = 0;
  matrix.agencies.forEach((agency, a) => {
    if (!inScope(agency.code)) return;
    let required = 0, covered = 0, items = 0, met = 0;
    for (let i = 0; i < n; i++) {
      const r = cellValue(matrix, a, i, 'required');
      if (r === 0) continue;
      const held = cellValue(matrix, a, i, 'held');
      items++;
      if (held >= r) met++;
      required += r;
      covered += Math.min(r, held);
    }
    const name = agencies[a].name;
    coverage.push({ agency: agency.code, name, itemsMet: met, items, pct: pct(covered, required) });
    const v = cellValue(matrix, a, s01, 'held');
    staff += agency.staff;
    vehicles += v;
    perVehicle.push({ agency: agency.code, name, staff: agency.staff, vehicles: v, ratio: v === 0 ? null : Math.round((agency.staff / v) * 10) / 10 });
  });
  coverage.sort((x, y) => (x.pct as number) - (y.pct as number));
  perVehicle.sort((x, y) => ((y.ratio as number | null) ?? Infinity) - ((x.ratio as number | null) ?? Infinity));
  const fullyMet = coverage.filter((r) => r.itemsMet === r.items).length;
  const over5 = perVehicle.filter((r) => r.ratio === null || (r.ratio as number) > 5).length;

  const units = live.filter((u) => inScope(u.agency));
  const cars = units.filter((u) => VEHICLE_ITEMS.includes(u.item));
  const age = new Array<number>(AGE_BINS).fill(0);
  const km = new Array<number>(KM_BINS).fill(0);
  let old = 0, far = 0, dated = 0, metered = 0;
  for (const c of cars) {
    if (c.purchaseDate !== null) {
      let years = 0;
      while (years < AGE_BINS - 1 && addYears(c.purchaseDate, years + 1) <= today) years++;
      age[years]++;
      dated++;
      if (addYears(c.purchaseDate, 8) <= today) old++;
    }
    if (c.odometerKm !== null) {
      km[Math.min(KM_BINS - 1, Math.floor(c.odometerKm / KM_BIN))]++;
      metered++;
      if (c.odometerKm >= 200_000) far++;
    }
  }

  const instruments = db.$client.prepare(
    `select s.calibration_valid_until as until, a.code as agency from assets s join catalog_items c on c.code = s.item_code join agencies a on a.id = s.agency_id
     where c.needs_calibration = 1 and s.status <> 'scrapped'`,
  ).all() as { until: string | null; agency: string }[];
  const [ty, tm] = today.split('-').map(Number);
  const months = Array.from({ length: 12 }, (_, k) => new Date(Date.UTC(ty, tm - 1 + k, 1)).toISOString().slice(0, 7));
  const calRows = new Map<string, number>([['已过期', 0], ...months.map((m) => [m, 0] as [string, number]), ['12 个月以后', 0], ['无检定记录', 0]]);
  let soon = 0, total = 0;
  for (const x of instruments) {
    if (!inScope(x.agency)) continue;
    total++;
    const key = x.until === null ? '无检定记录' : x.until < today ? '已过期' : calRows.has(x.until.slice(0, 7)) ? x.until.slice(0, 7) : '12 个月以后';
    calRows.set(key, calRows.get(key)! + 1);
    if (x.until !== null && x.until >= today && x.until <= addDays(today, 30)) soon++;
  }

  const first = Number(today.slice(0, 4));
  const budget = Array.from({ length: BUDGET_YEARS }, (_, k) => ({ year: String(first + k), shortfall: 0, replace: 0, total: 0 }));
  matrix.agencies.forEach((agency, a) => {
    if (!inScope(agency.code)) return;
    matrix.catalog.forEach((item, i) => {
      const price = terms.get(item.code)?.unitPriceFen ?? 0;
      let before = 0;
      needsByYear(matrix, due, a, i, first, BUDGET_YEARS).forEach((need, k) => {
        if (k === 0) budget[0].shortfall += need.shortfall * price;
        budget[k].replace += (need.replace - before) * price;
        before = need.replace;
      });
    });
  });
  for (const b of budget) (b.shortfall = fenToYuan(b.shortfall)), (b.replace = fenToYuan(b.replace)), (b.total = b.shortfall + b.replace);
  const budgetTotal = budget.reduce((s, b) => s + b.total, 0);

  return {
    coverage: {
      title: '各机构配备达标率',
      subtitle: `${coverage.length} 个机构,${fullyMet} 个全部标配项目达标(按本级标准,达标率 = 未超配部分在册数 ÷ 应配数)`,
      columns: [{ key: 'agency', label: '机构编码', kind: 'text' }, { key: 'name', label: '机构', kind: 'text' }, { key: 'itemsMet', label: '达标项目', kind: 'count' }, { key: 'items', label: '应配项目', kind: 'count' }, { key: 'pct', label: '达标率(%)', kind: 'percent' }],
      rows: coverage,
      mark: { label: '100%', at: 100, axis: 'value' },
    },
    staffPerVehicle: {
      title: '各机构人车比',
      subtitle: `执法人员 ${staff} 人,执法车辆 ${vehicles} 辆,平均每 ${vehicles ? Math.round((staff / vehicles) * 10) / 10 : '—'} 人 1 辆;${over5} 个机构未达到 5 人 1 辆,其中 ${perVehicle.filter((r) => r.ratio === null).length} 个没有执法车辆(列在最前,无柱)`,
      columns: [{ key: 'agency', label: '机构编码', kind: 'text' }, { key: 'name', label: '机构', kind: 'text' }, { key: 'staff', label: '执法人员', kind: 'count' }, { key: 'vehicles', label: '执法车辆', kind: 'count' }, { key: 'ratio', label: '每辆车人数', kind: 'decimal' }],
      rows: perVehicle,
      mark: { label: '5 人 1 辆', at: 5, axis: 'value' },
    },
    vehicleAge: {
      title: '车辆车龄分布',
      subtitle: `在册车辆 ${cars.length} 辆(有购置日期 ${dated} 辆),使用满 8 年 ${old} 辆,占 ${pct(old, dated)}%`,
      columns: [{ key: 'bin', label: '车龄(满 N 年)', kind: 'text' }, { key: 'count', label: '车辆数', kind: 'count' }],
      rows: age.map((count, k) => ({ bin: k === AGE_BINS - 1 ? `≥${k}` : String(k), count })),
      mark: { label: '8 年', at: '8', axis: 'category' },
    },
    odometer: {
      title: '车辆行驶里程分布',
      subtitle: `有里程记录 ${metered} 辆,达到 20 万公里 ${far} 辆,占 ${pct(far, metered)}%`,
      columns: [{ key: 'bin', label: '里程(万公里,区间起点,每 2 万一档)', kind: 'text' }, { key: 'count', label: '车辆数', kind: 'count' }],
      rows: km.map((count, k) => ({ bin: k === KM_BINS - 1 ? `≥${k * 2}` : `${k * 2}`, count })),
      mark: { label: '20 万公里', at: '20', axis: 'category' },
    },
    calibration: {
      title: '检定到期月份',
      subtitle: `需检定仪器 ${total} 件,已过期 ${calRows.get('已过期')} 件,30 天内到期 ${soon} 件,无检定记录 ${calRows.get('无检定记录')} 件`,
      columns: [{ key: 'month', label: '到期月份', kind: 'text' }, { key: 'count', label: '仪器数', kind: 'count' }],
      rows: [...calRows].map(([month, count]) => ({ month, count })),
    },
    budgetByYear: {
      title: '分年度资金需求',
      subtitle: `${first}–${first + BUDGET_YEARS - 1} 年合计 ${(budgetTotal / 10_000).toFixed(1)} 万元:补齐当前缺额,并更新各年到期装备(按单价表)`,
      columns: [{ key: 'year', label: '年度', kind: 'text' }, { key: 'shortfall', label: '补缺额(元)', kind: 'yuan' }, { key: 'replace', label: '到期更新(元)', kind: 'yuan' }, { key: 'total', label: '合计(元)', kind: 'yuan' }],
      rows: budget,
    },
  };
}

const KIND_FORMAT = { text: undefined, count: FORMAT.count, yuan: FORMAT.yuan, decimal: FORMAT.decimal, percent: FORMAT.decimal } as const;

/** One chart's figures as a workbook: title and key figures above, the table below. */
export function exportChart(db: Db, input: { agency?: string; ruleSet?: string; chart: ChartName }, today: IsoDate, format?: ExportFormat): FileOut {
  const t = chartData(db, input, today)[input.chart];
  const rows: OutValue[][] = [[t.title], [t.subtitle], t.columns.map((c) => c.label), ...t.rows.map((r) => t.columns.map((c) => r[c.key]))];
  const last = t.columns.length - 1;
  return exportFile(`${t.title}-${today}`, [{
    name: t.title.slice(0, 31), rows, frozen: 3, formats: t.columns.map((c) => KIND_FORMAT[c.kind]),
    widths: t.columns.map((c) => (c.key === 'name' ? 34 : 14)),
    merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: last } }, { s: { r: 1, c: 0 }, e: { r: 1, c: last } }],
  }], format);
}
