import type { CsvShape, ExportFormat, FileOut } from '../../lib/domain/files';
import type { CatalogItem } from '../../quotas/types';
import { exportFile } from '../export';
import { LEVEL_LABELS, STATUS_LABELS } from '../template';
import { FORMAT, templateSheets } from '../write';

const CATALOG_SHEET = '装备目录';
const LISTS_SHEET = '取值';

/** The import template, empty: drop-downs for 层级, 状态 and 装备代码, an instructions sheet, and the catalog to pick from. */
export function blankTemplateWorkbook(catalog: readonly CatalogItem[], format: ExportFormat | undefined, csv: CsvShape): FileOut {
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
  ], format, csv);
}
