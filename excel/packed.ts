import type { Cell } from './cells';
import type { ReadResult, Sheet, Workbook } from './sheets';

/**
 * A sheet as the parse worker hands it back: its cells in flat typed arrays, which the structured
 * clone copies as blocks, instead of a million small cell objects it would copy one by one (the
 * 100,000-row ledger spent longer crossing from the worker than SheetJS took to read it).
 */
export interface PackedSheet extends Omit<Sheet, 'rows'> {
  /** Row r's cells are entries rowStarts[r] … rowStarts[r + 1] - 1. */
  rowStarts: Int32Array;
  /** Each row's length as SheetJS left it (trailing holes included); -1 for a missing row. */
  rowLengths: Int32Array;
  cols: Int32Array;
  /** Each cell's SheetJS type letter as a char code. */
  types: Uint8Array;
  /** The value of a number, error or boolean (1/0) cell. */
  numbers: Float64Array;
  /** The values of the text cells, in order. */
  texts: string[];
  /** Cells of any other shape (no value, a Date), by entry. */
  others: [number, Cell][];
}

export type PackedResult = { ok: true; workbook: Omit<Workbook, 'sheets'> & { sheets: PackedSheet[] } } | Extract<ReadResult, { ok: false }>;

const S = 's'.charCodeAt(0);
const N = 'n'.charCodeAt(0);
const E = 'e'.charCodeAt(0);
const B = 'b'.charCodeAt(0);

function packSheet({ rows, ...rest }: Sheet): PackedSheet {
  let size = 0;
  for (const row of rows) if (row) for (const c of row) if (c) size++;
  const rowStarts = new Int32Array(rows.length + 1);
  const rowLengths = new Int32Array(rows.length);
  const cols = new Int32Array(size);
  const types = new Uint8Array(size);
  const numbers = new Float64Array(size);
  const texts: string[] = [];
  const others: [number, Cell][] = [];
  let k = 0;
  for (let r = 0; r < rows.length; r++) {
    rowStarts[r] = k;
    const row = rows[r];
    rowLengths[r] = row ? row.length : -1;
    if (!row) continue;
    for (let c = 0; c < row.length; c++) {
      const cell = row[c];
      if (!cell) continue;
      cols[k] = c;
      const t = cell.t.charCodeAt(0);
      types[k] = t;
      const v = cell.v;
      if (t === S && typeof v === 'string') texts.push(v);
      else if ((t === N || t === E) && typeof v === 'number') numbers[k] = v;
      else if (t === B && typeof v === 'boolean') numbers[k] = v ? 1 : 0;
      else others.push([k, { t: cell.t, ...(v === undefined ? {} : { v }) }]);
      k++;
    }
  }
  rowStarts[rows.length] = k;
  return { ...rest, rowStarts, rowLengths, cols, types, numbers, texts, others };
}

function unpackSheet({ rowStarts, rowLengths, cols, types, numbers, texts, others, ...rest }: PackedSheet): Sheet {
  const odd = new Map(others);
  const rows: (Cell | undefined)[][] = new Array(rowLengths.length);
  let text = 0;
  for (let r = 0; r < rowLengths.length; r++) {
    if (rowLengths[r] < 0) continue;
    const row: (Cell | undefined)[] = new Array(rowLengths[r]);
    for (let k = rowStarts[r]; k < rowStarts[r + 1]; k++) {
      const t = types[k];
      const other = odd.get(k);
      if (other) row[cols[k]] = other;
      else if (t === S) row[cols[k]] = { t: 's', v: texts[text++] };
      else if (t === B) row[cols[k]] = { t: 'b', v: numbers[k] === 1 };
      else row[cols[k]] = { t: String.fromCharCode(t), v: numbers[k] };
    }
    rows[r] = row;
  }
  return { ...rest, rows };
}

/** What the worker posts: the result with each sheet packed. */
export function pack(r: ReadResult): PackedResult {
  return r.ok ? { ok: true, workbook: { ...r.workbook, sheets: r.workbook.sheets.map(packSheet) } } : r;
}

/** The result as readers use it, from what the worker posted. */
export function unpack(r: PackedResult): ReadResult {
  return r.ok ? { ok: true, workbook: { ...r.workbook, sheets: r.workbook.sheets.map(unpackSheet) } } : r;
}
