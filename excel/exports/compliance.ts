import type { AgencyRecord } from '../../lib/domain/agencies';
import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import type { IsoDate } from '../../lib/dates';
import type { QuotaRow } from '../../quotas/engine';
import type { EditionComparison } from '../../quotas/compare';
import type { CatalogItem } from '../../quotas/types';
import { exportFile } from '../export';
import { LEVEL_LABELS } from '../template';
import { FORMAT, type OutValue } from '../write';
import { yuan } from './cells';

/** A measurement as 配备达标情况 shows it: rows for the agencies alone and rolled up, against a rule set, on a date. */
export interface Compliance {
  own: readonly QuotaRow[];
  rolled: readonly QuotaRow[];
  date: IsoDate;
  ruleName: string;
  agencies: readonly AgencyRecord[];
  catalog: readonly CatalogItem[];
}

const QUOTA_HEADERS = ['机构编码', '机构名称', '层级', '上级机构编码', '装备代码', '装备名称', '类别', '单位', '应配', '在册', '可用', '购买服务', '缺额', '超配'];
const QUOTA_FORMATS = [, , , , , , , , FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.count];
const QUOTA_WIDTHS = [10, 30, 6, 12, 8, 34, 6, 6, 8, 8, 8, 8, 8, 8];

/**
 * 配备达标情况: a summary line per agency (its own holdings and its subtree's), then every agency × item
 * with a requirement or a holding, for the agency alone and rolled up over its subordinates.
 */
export function complianceWorkbook(c: Compliance, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const { own, rolled } = c;
  const agencies = new Map(c.agencies.map((a) => [a.code, a]));
  const items = new Map(c.catalog.map((i) => [i.code, i]));
  const detail = (rows: readonly QuotaRow[]) =>
    rows
      .filter((r) => r.required > 0 || r.held > 0 || r.contracted > 0)
      .map((r) => {
        const a = agencies.get(r.agency)!;
        const i = items.get(r.item)!;
        return [a.code, a.name, LEVEL_LABELS[a.level], a.parentCode, i.code, i.name, i.kind === 'basic' ? '标配' : '选配', i.unit, r.required, r.held, r.usable, r.contracted, r.shortfall, r.surplus];
      });
  const totals = (rows: readonly QuotaRow[]) => {
    const m = new Map<string, { required: number; shortfall: number; items: number; met: number }>();
    for (const r of rows) {
      const t = m.get(r.agency) ?? { required: 0, shortfall: 0, items: 0, met: 0 };
      t.required += r.required;
      t.shortfall += r.shortfall;
      if (r.required > 0) (t.items++, r.shortfall === 0 && t.met++);
      m.set(r.agency, t);
    }
    return m;
  };
  const ownT = totals(own);
  const rolledT = totals(rolled);
  const summary: OutValue[][] = [['机构编码', '机构名称', '层级', '上级机构编码', '执法人员数', '应配(本级)', '缺额(本级)', '达标品目/应配品目(本级)', '达标率(本级)', '应配(含下级)', '缺额(含下级)', '达标率(含下级)']];
  for (const [code, t] of ownT) {
    const a = agencies.get(code)!;
    const r = rolledT.get(code)!;
    summary.push([a.code, a.name, LEVEL_LABELS[a.level], a.parentCode, a.staff, t.required, t.shortfall, `${t.met}/${t.items}`, t.items ? t.met / t.items : null, r.required, r.shortfall, r.items ? r.met / r.items : null]);
  }
  return exportFile(`配备达标情况-${c.date}`, [
    {
      name: '机构汇总', rows: summary, widths: [10, 30, 6, 12, 10, 10, 10, 14, 10, 12, 12, 12],
      formats: [, , , , FORMAT.count, FORMAT.count, FORMAT.count, , '0.0%', FORMAT.count, FORMAT.count, '0.0%'],
    },
    { name: '本级明细', rows: [QUOTA_HEADERS, ...detail(own)], widths: QUOTA_WIDTHS, formats: QUOTA_FORMATS },
    { name: '含下级汇总', rows: [QUOTA_HEADERS, ...detail(rolled)], widths: QUOTA_WIDTHS, formats: QUOTA_FORMATS },
    { name: '说明', rows: [['配备标准', c.ruleName], ['核定日期', { date: c.date }], ['可用', '在用或闲置、需检定的装备检定有效'], ['购买服务', '该配备标准允许以购买第三方服务满足的品目,有效服务合同提供并计入达标的数量(不计入在册)'], ['含下级汇总', '本机构及全部下级机构的应配与在册合计']], widths: [14, 60], frozen: 0 },
  ], format, csv);
}

/** Two editions compared on the same holdings, with the names a reader needs. */
export interface EditionDiff {
  comparison: EditionComparison;
  base: { id: string; name: string };
  other: { id: string; name: string };
  date: string;
  agencies: readonly AgencyRecord[];
  catalog: readonly CatalogItem[];
}

/**
 * 差异表: how each agency stands under the base edition and the other (items to hold, items met,
 * shortfall, what meeting the other costs more or less), then every agency × item whose requirement changes.
 */
export function editionDiffWorkbook(d: EditionDiff, format: ExportFormat | undefined, csv: CsvShape): FileOut {
  const agencies = new Map(d.agencies.map((a) => [a.code, a]));
  const items = new Map(d.catalog.map((i) => [i.code, i]));
  const { comparison: c } = d;
  const A = `(${d.base.name})`;
  const B = `(${d.other.name})`;
  const summary: OutValue[][] = [
    ['机构编码', '机构名称', '层级', `达标品目/应配品目${A}`, `达标品目/应配品目${B}`, `缺额${A}`, `缺额${B}`, '缺额变化', '购置金额变化(元)'],
    ...c.agencies.map((s) => {
      const a = agencies.get(s.agency)!;
      return [a.code, a.name, LEVEL_LABELS[a.level], `${s.metBase}/${s.itemsBase}`, `${s.metOther}/${s.itemsOther}`, s.shortfallBase, s.shortfallOther, s.shortfallOther - s.shortfallBase, yuan(s.budgetChangeFen)];
    }),
    ['合计', '', '', '', '', c.totals.shortfallBase, c.totals.shortfallOther, c.totals.shortfallOther - c.totals.shortfallBase, yuan(c.totals.budgetChangeFen)],
  ];
  const changes: OutValue[][] = [
    ['机构编码', '机构名称', '层级', '装备代码', '装备名称', '单位', '在册', `应配${A}`, `应配${B}`, `缺额${A}`, `缺额${B}`, '购置金额变化(元)'],
    ...c.changes.map((r) => {
      const a = agencies.get(r.agency)!;
      const i = items.get(r.item)!;
      return [a.code, a.name, LEVEL_LABELS[a.level], i.code, i.name, i.unit, r.held, r.requiredBase, r.requiredOther, r.shortfallBase, r.shortfallOther, yuan(r.budgetChangeFen)];
    }),
  ];
  const n = FORMAT.count;
  return exportFile(`配备标准差异表-${d.other.id}-${d.date}`, [
    { name: '机构汇总', rows: summary, widths: [10, 30, 6, 18, 18, 12, 12, 10, 16], formats: [, , , , , n, n, n, FORMAT.yuan] },
    { name: '差异明细', rows: changes, widths: [10, 30, 6, 8, 34, 6, 8, 12, 12, 12, 12, 16], formats: [, , , , , , n, n, n, n, n, FORMAT.yuan] },
    {
      name: '说明',
      rows: [['对比基准', `${d.base.name}(${d.base.id})`], ['对比标准', `${d.other.name}(${d.other.id})`], ['核定日期', { date: d.date }],
        ['在册', '两版标准按同一时点的在册装备测算'], ['购置金额变化', '按对比标准补足缺额的购置金额减去按基准补足缺额的金额,单价取「单价与更新年限」'],
        ['差异明细', '仅列应配数量不同的机构与品目;各机构按本级标准测算']],
      widths: [14, 70], frozen: 0,
    },
  ], format, csv);
}
