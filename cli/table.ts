import type { QuotaRow } from '../quotas/engine';

/** A plain-text table for the terminal: the first `left` columns aligned left, the rest right. CJK header cells count double. */
export function formatTable(header: readonly string[], body: readonly string[][], left = 2): string {
  const widths = header.map((h, i) => Math.max(h.length * 2, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[], heads = false) =>
    cells.map((c, i) => (i < left ? c.padEnd(widths[i] - (heads ? c.length : 0)) : c.padStart(widths[i] - (heads ? c.length : 0)))).join('  ');
  return [line(header, true), ...body.map((b) => line(b))].join('\n');
}

/** Quota rows for the terminal; rows with nothing required or held are left out. */
export function formatShortfallTable(rows: readonly QuotaRow[]): string {
  const body = rows
    .filter((r) => r.required > 0 || r.held > 0)
    .map((r) => [r.agency, r.item, r.required, r.held, r.usable, r.shortfall, r.surplus].map(String));
  return `${formatTable(['机构', '品目', '应配', '在册', '可用', '缺额', '超配'], body)}\n合计缺额 ${rows.reduce((s, r) => s + r.shortfall, 0)}`;
}
