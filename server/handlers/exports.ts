import { CSV_SHAPES, type AssetQuery, type ExportFormat, type FileOut } from '../../api/contract';
import type { IsoDate } from '../../lib/dates';
import { fenToYuan } from '../../lib/money';
import { UserError } from '../../lib/problems';
import { LEVEL_LABELS, STATUS_LABELS } from '../../excel/template';
import { exportFile } from '../../excel/export';
import { FORMAT, templateSheets, type OutValue } from '../../excel/write';
import type { Db } from '../../db/types';
import { listAgencies } from '../../db/queries/agencies';
import { allAssets, type AssetPage } from '../../db/queries/assets';
import { calibrationLog, maintenanceLog } from '../../db/queries/maintenance';
import { loadCatalog, loadRuleSet } from '../../db/queries/reference';
import type { QuotaRow } from '../../quotas/engine';
import { measureShortfall } from './quotas';

/** Excel holds 1,048,576 rows a sheet. */
const MAX_EXPORT_ROWS = 1_000_000;

const date = (s: string | null): OutValue => (s ? { date: s } : null);
const yuan = (fen: number | null): OutValue => (fen === null ? null : fenToYuan(fen));

export const LEDGER_EXPORT_HEADERS = [
  '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '规格型号', '出厂编号', '购置日期', '购置金额(元)', '经费来源', '状态', '责任人', '存放地点',
  '车牌号', '行驶里程(公里)', '检定有效期至', '备注',
] as const;

/** The ledger as the user filtered and sorted it, every matching row. */
export function exportLedger(db: Db, query: AssetQuery, sort: AssetPage['sort'], today: IsoDate, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [[...LEDGER_EXPORT_HEADERS]];
  for (const a of allAssets(db, query, sort)) {
    if (rows.length > MAX_EXPORT_ROWS) throw new UserError([{ message: `符合条件的装备超过 ${MAX_EXPORT_ROWS.toLocaleString()} 件,超出 Excel 单表上限;请先筛选` }]);
    rows.push([
      a.assetTag, a.itemCode, a.itemName, a.agencyCode, a.agencyName, a.model, a.serialNumber, date(a.purchaseDate), yuan(a.priceFen), a.fundingSource,
      STATUS_LABELS[a.status], a.custodian, a.location, a.plateNumber, a.odometerKm, date(a.calibrationValidUntil), a.notes,
    ]);
  }
  return exportFile(`装备台账-${today}`, [{
    name: '装备台账', rows,
    widths: [18, 8, 28, 12, 30, 20, 14, 12, 14, 12, 6, 8, 14, 10, 12, 12, 24],
    formats: [, , , , , , , , FORMAT.yuan, , , , , , FORMAT.count],
  }], format);
}

const QUOTA_HEADERS = ['机构编码', '机构名称', '层级', '上级机构编码', '装备代码', '装备名称', '类别', '单位', '应配', '在册', '可用', '缺额', '超配'];
const QUOTA_FORMATS = [, , , , , , , , FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.count, FORMAT.count];
const QUOTA_WIDTHS = [10, 30, 6, 12, 8, 34, 6, 6, 8, 8, 8, 8, 8];

/**
 * 配备达标情况: a summary line per agency (its own holdings and its subtree's), then every agency × item
 * with a requirement or a holding, for the agency alone and rolled up over its subordinates.
 */
export function exportCompliance(db: Db, input: { ruleSet?: string; agency?: string; date?: IsoDate; within?: { codes: ReadonlySet<string> } | null }, today: IsoDate, format?: ExportFormat): FileOut {
  const measured = measureShortfall(db, input, today);
  const own = measured.view(false);
  const rolled = measured.view(true);
  const agencies = new Map(listAgencies(db).map((a) => [a.code, a]));
  const items = new Map(loadCatalog(db).map((i) => [i.code, i]));
  const ruleName = loadRuleSet(db, measured.ruleSet)?.name ?? measured.ruleSet;
  const detail = (rows: QuotaRow[]) =>
    rows
      .filter((r) => r.required > 0 || r.held > 0)
      .map((r) => {
        const a = agencies.get(r.agency)!;
        const i = items.get(r.item)!;
        return [a.code, a.name, LEVEL_LABELS[a.level], a.parentCode, i.code, i.name, i.kind === 'basic' ? '标配' : '选配', i.unit, r.required, r.held, r.usable, r.shortfall, r.surplus];
      });
  const totals = (rows: QuotaRow[]) => {
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
  return exportFile(`配备达标情况-${measured.date}`, [
    {
      name: '机构汇总', rows: summary, widths: [10, 30, 6, 12, 10, 10, 10, 14, 10, 12, 12, 12],
      formats: [, , , , FORMAT.count, FORMAT.count, FORMAT.count, , '0.0%', FORMAT.count, FORMAT.count, '0.0%'],
    },
    { name: '本级明细', rows: [QUOTA_HEADERS, ...detail(own)], widths: QUOTA_WIDTHS, formats: QUOTA_FORMATS },
    { name: '含下级汇总', rows: [QUOTA_HEADERS, ...detail(rolled)], widths: QUOTA_WIDTHS, formats: QUOTA_FORMATS },
    { name: '说明', rows: [['配备标准', ruleName], ['核定日期', { date: measured.date }], ['可用', '在用或闲置、需检定的装备检定有效'], ['含下级汇总', '本机构及全部下级机构的应配与在册合计']], widths: [14, 60], frozen: 0 },
  ], format, CSV_SHAPES['quotas/export']);
}

const MAINTENANCE_KINDS = { repair: '维修', service: '保养', inspection: '检查' } as const;

export function exportMaintenance(db: Db, from: IsoDate, to: IsoDate, inScope: (agency: string) => boolean, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['日期', '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '类型', '维护内容', '费用(元)', '维修单位', '里程(公里)', '下次到期']];
  for (const m of maintenanceLog(db, from, to)) {
    if (!inScope(m.agencyCode)) continue;
    rows.push([date(m.date), m.assetTag, m.itemCode, m.itemName, m.agencyCode, m.agencyName, MAINTENANCE_KINDS[m.kind], m.description, yuan(m.costFen), m.vendor, m.odometerKm, date(m.nextDueDate)]);
  }
  return exportFile(`维修保养记录-${from}至${to}`, [{
    name: '维修保养记录', rows, widths: [12, 18, 8, 28, 12, 30, 6, 40, 12, 24, 12, 12], formats: [, , , , , , , , FORMAT.yuan, , FORMAT.count],
  }], format);
}

export function exportCalibrations(db: Db, from: IsoDate, to: IsoDate, inScope: (agency: string) => boolean, format?: ExportFormat): FileOut {
  const rows: OutValue[][] = [['检定日期', '有效期至', '资产编号', '装备代码', '装备名称', '所属机构编码', '所属机构', '证书编号', '检定机构', '结论', '备注']];
  for (const c of calibrationLog(db, from, to)) {
    if (!inScope(c.agencyCode)) continue;
    rows.push([date(c.date), date(c.validUntil), c.assetTag, c.itemCode, c.itemName, c.agencyCode, c.agencyName, c.certificateNo, c.institution, c.result === 'pass' ? '合格' : '不合格', c.notes]);
  }
  return exportFile(`检定记录-${from}至${to}`, [{ name: '检定记录', rows, widths: [12, 12, 18, 8, 28, 12, 30, 18, 24, 8, 24] }], format);
}

const CATALOG_SHEET = '装备目录';
const LISTS_SHEET = '取值';

/** The import template, empty: drop-downs for 层级, 状态 and 装备代码, an instructions sheet, and the catalog to pick from. */
export function blankTemplate(db: Db, format?: ExportFormat): FileOut {
  const catalog = loadCatalog(db);
  const [agencySheet, assetSheet] = templateSheets([], []);
  const levels = Object.values(LEVEL_LABELS);
  const statuses = Object.values(STATUS_LABELS);
  const list = (col: number, n: number) => `'${LISTS_SHEET}'!$${String.fromCharCode(65 + col)}$2:$${String.fromCharCode(65 + col)}$${n + 1}`;
  return exportFile('装备台账导入模板', [
    {
      name: '填写说明',
      frozen: 0,
      widths: [18, 90],
      rows: [
        ['执法装备台账导入模板', null],
        ['工作表「机构」', '每行一个执法机构。机构编码必须唯一;上级机构编码填写上一级机构的编码(省级机构留空);层级从下拉列表中选择:省级、市级、县级。'],
        ['工作表「装备」', '每行一件装备。资产编号必须唯一,再次导入时按资产编号更新已有装备;装备代码从下拉列表选择(见「装备目录」);所属机构编码须为本文件或台账中已有的机构。'],
        ['日期', '购置日期、检定有效期至可填 2019-05-01、2019/5/1、2019年5月1日,或只填年月(2019.05、2019年5月,按当月1日)。'],
        ['金额', '购置金额以元为单位,可带千位分隔符或 ¥。'],
        ['状态', `从下拉列表中选择:${statuses.join('、')};也可写 正常/使用中(在用)、待修(维修)、备用(闲置)、已报废(报废)。`],
        ['检定有效期至', '需检定的测量仪器(气体、粉尘、水质检测仪等)填写,用于判断是否可用。'],
        ['必填列', '机构:机构编码、机构名称、层级、执法人员数;装备:资产编号、装备代码、所属机构编码、状态。'],
        ['导入方式', '在「Excel 导入」中选择本文件;或命令行 eql import 文件.xlsx --db 台账.db。有错误时整份不导入,并列出每个错误所在的行和列。'],
      ],
    },
    { ...agencySheet, lists: [{ col: 2, source: list(0, levels.length) }] },
    {
      ...assetSheet,
      formats: [, , , , , FORMAT.yuan, , , , FORMAT.count],
      lists: [{ col: 1, source: `'${CATALOG_SHEET}'!$A$2:$A$${catalog.length + 1}` }, { col: 6, source: list(1, statuses.length) }],
    },
    { name: CATALOG_SHEET, rows: [['装备代码', '装备名称', '类别', '单位', '需检定'], ...catalog.map((i) => [i.code, i.name, i.kind === 'basic' ? '标配' : '选配', i.unit, i.needsCalibration ? '是' : ''])], widths: [8, 60, 6, 6, 8] },
    { name: LISTS_SHEET, rows: [['层级', '状态'], ...Array.from({ length: Math.max(levels.length, statuses.length) }, (_, i) => [levels[i] ?? null, statuses[i] ?? null])], widths: [8, 8] },
  ], format, CSV_SHAPES['imports/blankTemplate']);
}

