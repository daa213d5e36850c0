import { OUTCOME_WORDS, type FileOut, type ReportFormat, type ScanRow, type StocktakeClosing, type StocktakeRow } from '../api/contract';
import type { Context } from '../server/context';
import { call } from '../server/local';

export const STOCKTAKE_USAGE = `eql stocktake start --db FILE --agency CODE [--title 名称] [--json]
                                         开始盘点机构及其下级的装备(冻结应有清单);--json 输出 {"id","expected"}
  eql stocktake scan --db FILE --id 盘点编号 编码… [--at 机构代码]
                                         提交扫描到的编码(资产编号、空白标签或标签网址),--at 为发现所在机构
  eql stocktake close --db FILE --id 盘点编号 [--json]
                                         结束盘点,列出位置不符、盘盈、盘亏、重复与状态不符
  eql stocktake report --db FILE --id 盘点编号 --out 盘点报告.xlsx|.zip|.pdf
                                         导出盘点报告(汇总、差异明细,盘点人/监盘人/负责人);
                                         .zip 为每表一个 .csv,.pdf 为可打印、签字盖章的 A4 报告`;

/** `--id`: a stocktake's number; anything else is the user's mistake, said in Chinese. */
export function stocktakeId(value: string | undefined): number | string {
  if (value === undefined) return '缺少 --id 盘点编号';
  return /^[1-9]\d{0,9}$/.test(value) ? Number(value) : `--id 应为盘点编号(正整数),而不是「${value}」`;
}

export async function startStocktake(ctx: Context, agencyCode: string, title: string | undefined, today: string): Promise<StocktakeRow> {
  return call(ctx, 'stocktakes/start', { agencyCode, title: title ?? `${today.slice(0, 4)} 年度盘点` });
}

export function scanCodes(ctx: Context, id: number, codes: string[], atAgency: string | undefined): Promise<ScanRow[]> {
  return call(ctx, 'stocktakes/scan', { id, scans: codes.map((code) => ({ code })), atAgency, source: 'cli' });
}

export const scanLines = (rows: ScanRow[]): string =>
  rows.map((r) => `${r.code}\t${OUTCOME_WORDS[r.outcome]}${r.outcome === 'misplaced' && r.expectedAgencyCode ? `(账面在 ${r.expectedAgencyCode})` : ''}`).join('\n');

export function closeStocktake(ctx: Context, id: number): Promise<StocktakeClosing> {
  return call(ctx, 'stocktakes/close', { id });
}

export function closingText(c: StocktakeClosing): string {
  return [
    `已结束盘点:实有 ${c.found} 件,重复扫描 ${c.duplicates} 次`,
    `位置不符 ${c.misplaced.length}:${c.misplaced.map((m) => `${m.tag}(账面 ${m.expected},实际 ${m.at})`).join('、') || '无'}`,
    `盘盈 ${c.surplus.length}:${c.surplus.join('、') || '无'}`,
    `盘亏 ${c.missing.length}:${c.missing.join('、') || '无'}`,
    `状态不符 ${c.statusMismatch.length}:${c.statusMismatch.join('、') || '无'}`,
  ].join('\n');
}

export function stocktakeReport(ctx: Context, id: number, format: ReportFormat): Promise<FileOut> {
  return call(ctx, 'stocktakes/report', { id, format });
}
