import type { ExportFormat, FileOut } from '../../lib/domain/files';
import type { IsoDate } from '../../lib/dates';
import { SCORE_CATEGORIES, type ScoreCard } from '../../quotas/score';
import { exportFile } from '../export';
import { FORMAT, type OutValue } from '../write';

const SOURCE_LABELS = { ledger: '台账', checklist: '自查', 'ledger+checklist': '台账+自查', none: '—' } as const;

/** 评分表: each item's points and why, the total and the pass line, then the categories. */
export function scoreWorkbook(s: ScoreCard & { agencyName: string; year: number }, ruleName: string, today: IsoDate, format?: ExportFormat): FileOut {
  const title = `${s.agencyName} ${s.year} 年度执法装备能力建设评分表`;
  const rows: OutValue[][] = [[title], [`依据:浙江省生态环境保护综合行政执法装备能力建设评分细则(附件1);配备标准 ${ruleName};数据日期 ${today}`], ['序号', '类别', '评价指标', '分值', '得分', '评分依据', '来源']];
  for (const i of s.items) rows.push([i.no, SCORE_CATEGORIES[i.category - 1].name, i.title, i.max, i.points, i.why, SOURCE_LABELS[i.source]]);
  rows.push([null, '合计', null, 100, s.total, `${s.passed ? '达标' : '未达标'}:装备评分 ≥ 85 且各类别得分高于该类别分值的 80%;折算附件2「加强装备配备」${s.converted} 分(满分 20)`]);
  for (const c of s.categories) rows.push([null, c.name, null, c.max, c.points, c.above80 ? '高于 80%' : `未高于 80%(需高于 ${c.max * 0.8} 分)`]);
  return exportFile(title, [{
    name: '评分表', rows, frozen: 3, widths: [6, 14, 36, 6, 6, 90, 10], formats: [, , , FORMAT.count, FORMAT.decimal],
    merges: [{ s: { r: 0, c: 0 }, e: { r: 0, c: 6 } }, { s: { r: 1, c: 0 }, e: { r: 1, c: 6 } }],
  }], format);
}
