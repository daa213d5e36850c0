import type { QuotaRow } from '../quotas/engine';

/** A plain-text table of quota rows for the terminal; rows with nothing required or held are left out. */
export function formatShortfallTable(rows: readonly QuotaRow[]): string {
  const header = ['机构', '品目', '应配', '在册', '可用', '缺额', '超配'];
  const body = rows
    .filter((r) => r.required > 0 || r.held > 0)
    .map((r) => [r.agency, r.item, r.required, r.held, r.usable, r.shortfall, r.surplus].map(String));
  const widths = header.map((h, i) => Math.max(h.length * 2, ...body.map((b) => b[i].length)));
  const line = (cells: string[], heads = false) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] - (heads ? c.length : 0)) : c.padStart(widths[i] - (heads ? c.length : 0)))).join('  ');
  const short = rows.reduce((s, r) => s + r.shortfall, 0);
  return [line(header, true), ...body.map((b) => line(b)), `合计缺额 ${short}`].join('\n');
}
