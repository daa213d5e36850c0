import * as XLSX from 'xlsx';

/**
 * A BIFF8 .xls of plain cells (text as LABEL, numbers as NUMBER), the records Excel 97–2003 files
 * carry for them. SheetJS's own BIFF8 writer needs about 200 KB of memory a row, so a 100,000-row
 * file would need 20 GB; this writes one in seconds.
 */
export function biff8(sheets: { name: string; rows: (string | number | null | undefined)[][] }[]): Buffer {
  const record = (type: number, body: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(type, 0);
    head.writeUInt16LE(body.length, 2);
    return Buffer.concat([head, body]);
  };
  const bof = (dt: number) => {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(0x0600, 0);
    b.writeUInt16LE(dt, 2);
    b.writeUInt16LE(0x0dbb, 4);
    b.writeUInt16LE(0x07cc, 6);
    b.writeUInt32LE(0x41, 8);
    b.writeUInt32LE(0x06, 12);
    return record(0x0809, b);
  };
  const eof = record(0x000a, Buffer.alloc(0));
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(n);
    return b;
  };
  const streams = sheets.map(({ rows }) => {
    const parts: Buffer[] = [bof(0x10)];
    const dims = Buffer.alloc(14);
    dims.writeUInt32LE(rows.length, 4);
    dims.writeUInt16LE(Math.max(0, ...rows.map((r) => r.length)), 10);
    parts.push(record(0x0200, dims));
    rows.forEach((row, r) => row.forEach((v, c) => {
      if (v === null || v === undefined || v === '') return;
      const at = Buffer.alloc(6);
      at.writeUInt16LE(r, 0);
      at.writeUInt16LE(c, 2);
      if (typeof v === 'number') {
        const n = Buffer.alloc(8);
        n.writeDoubleLE(v);
        parts.push(record(0x0203, Buffer.concat([at, n])));
      } else {
        const text = Buffer.from(v, 'utf16le');
        parts.push(record(0x0204, Buffer.concat([at, u16(v.length), Buffer.from([1]), text])));
      }
    }));
    parts.push(eof);
    return Buffer.concat(parts);
  });
  const sheetEntries = sheets.map(({ name }) => Buffer.concat([Buffer.alloc(6), Buffer.from([name.length, 1]), Buffer.from(name, 'utf16le')]));
  const globalsLength = bof(5).length + record(0x0042, u16(1200)).length + sheetEntries.reduce((n, e) => n + 4 + e.length, 0) + eof.length;
  let offset = globalsLength;
  const boundsheets = sheetEntries.map((e, i) => {
    e.writeUInt32LE(offset, 0);
    offset += streams[i].length;
    return record(0x0085, e);
  });
  const book = Buffer.concat([bof(5), record(0x0042, u16(1200)), ...boundsheets, eof, ...streams]);
  const cfb = XLSX.CFB.utils.cfb_new();
  XLSX.CFB.utils.cfb_add(cfb, 'Workbook', book);
  return XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer;
}
