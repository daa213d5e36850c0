/**
 * An OpenDocument sheet writes a run of equal cells once with `table:number-columns-repeated` and
 * a run of equal rows once with `table:number-rows-repeated`. SheetJS builds every cell of such a
 * run, so a few bytes asking for a billion cells would hold a parse worker until its memory or
 * time runs out. content.xml is scanned here first, counting the cells the runs expand to, the way
 * SheetJS reads them (tags and attributes whatever their namespace prefix, attribute names in any
 * case, rows as `Number`, columns as `parseInt`), counting generously where the two could differ. Empty cells, written as
 * `<table:table-cell …/>`, cost SheetJS nothing and are not counted: every LibreOffice file ends its
 * sheets with a million repeated empty rows.
 */

/** The sheet that is too large once its runs are expanded, and why. */
export interface RepeatFailure {
  sheet: string;
  why: 'rows' | 'cells';
}

/** The tags that matter, in ODS and in UOF's Chinese names that SheetJS also reads. */
const TAG = /<(\/?)(?:[^\s?><!/:"]*:)?(table|工作表|table-row|行|table-cell|数据)(?=[\s/>])([^>]*)>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

const NONE = new Map<string, string[]>();

function attributes(s: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of s.matchAll(ATTRIBUTE)) {
    // SheetJS also keeps every name lower-cased, and looks the lower-cased one up.
    const name = m[1].slice(m[1].lastIndexOf(':') + 1).replace(/_[\s\S]*$/, '').toLowerCase();
    out.set(name, [...(out.get(name) ?? []), m[2] ?? m[3]]);
  }
  return out;
}

/** A row's or cell's attributes where they may say anything counted here: most carry neither a repeat nor a row number. */
const counted = (s: string) => (/repeated|行号/i.test(s) ? attributes(s) : NONE);

/** The largest count any spelling of the attribute gives, as SheetJS would read it; 1 when absent. */
function repeat(attrs: Map<string, string[]>, name: string): number {
  let n = 1;
  for (const v of attrs.get(name) ?? []) n = Math.max(n, Number(v) || 1, parseInt(v, 10) || 1);
  return n;
}

const unescapeXml = (s: string) => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

/** The first sheet of content.xml whose runs reach past `rows` rows or add up to more than `cells` cells; null when none does. */
export function repeatedTooMuch(xml: string, limits: { rows: number; cells: number }): RepeatFailure | null {
  let sheet = '';
  let cells = 0;
  let row = -1;
  let rowRepeat = 1;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m; m = TAG.exec(xml)) {
    const [, close, tag, rest] = m;
    const selfClosing = rest.endsWith('/');
    if (tag === 'table' || tag === '工作表') {
      if (close || selfClosing) continue;
      const attrs = attributes(rest);
      sheet = unescapeXml(attrs.get('名称')?.at(-1) ?? attrs.get('name')?.at(-1) ?? '');
      cells = 0;
      row = -1;
    } else if (tag === 'table-row' || tag === '行') {
      if (close) {
        row += rowRepeat;
        rowRepeat = 1;
        continue;
      }
      const attrs = counted(rest);
      const at = Number(attrs.get('行号')?.at(-1));
      if (at) row = at - 1;
      else if (row === -1) row = 0;
      rowRepeat = repeat(attrs, 'number-rows-repeated');
    } else if (!close && !selfClosing) {
      const n = rowRepeat * repeat(counted(rest), 'number-columns-repeated');
      if (row + rowRepeat > limits.rows) return { sheet, why: 'rows' };
      cells += n;
      if (cells > limits.cells) return { sheet, why: 'cells' };
    }
  }
  return null;
}
