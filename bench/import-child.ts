/**
 * One import measured in a fresh process, so its peak memory is its own.
 * Usage: import-child.ts bare|bare-text|ledger|messy FILE DB_FILE — prints {"ms", "cpuMs", "rows", "maxRssMb"}.
 * bare: SheetJS parse of the first data sheet and a raw insert of its cells; bare-text: the same for a GBK CSV
 * decoded and split by hand; ledger: the template import;
 * messy: an agency's own ledger, each sheet through header detection, mapping and the wizard's import (DB_FILE holds the agencies).
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import { openDatabase } from '../db/open';
import { sqliteStore } from '../db/store';
import { importLedger, importTemplate } from '../server/handlers/imports';
import { readWorkbook } from '../excel/workbook';

const [mode, file, dbFile] = process.argv.slice(2);

function bare(): number {
  const wb = XLSX.read(readFileSync(file), { type: 'buffer', dense: true });
  const sheets = wb.Sheets['装备'] ? [wb.Sheets['装备']] : wb.SheetNames.map((n) => wb.Sheets[n]);
  return insertRaw(sheets.flatMap((ws) => XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true }).slice(1)));
}

function insertRaw(rows: unknown[][]): number {
  const width = rows.reduce((w, r) => Math.max(w, r.length), 0);
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.exec(`create table t (${Array.from({ length: width }, (_, i) => `c${i}`).join(', ')})`);
  const insert = db.prepare(`insert into t values (${Array(width).fill('?').join(', ')})`);
  db.transaction(() => {
    for (const r of rows) insert.run(Array.from({ length: width }, (_, i) => r[i] ?? null));
  })();
  db.close();
  return rows.length;
}

/** A GBK CSV as plainly as it can be read: decoded, split on line ends and commas (no quotes), inserted. */
function bareText(): number {
  const rows = iconv.decode(readFileSync(file), 'gb18030').split(/\r\n|\r|\n/).map((l) => l.split(','));
  return insertRaw(rows.slice(1));
}

async function ledger(): Promise<number> {
  const { db } = openDatabase(dbFile);
  const s = await importTemplate(sqliteStore(db), readFileSync(file), { file, who: { actor: 'bench', at: new Date().toISOString() }, today: '2026-11-23' });
  db.$client.close();
  return s.assets.created + s.assets.updated + s.assets.unchanged;
}

async function messy(): Promise<number> {
  const { db } = openDatabase(dbFile);
  const read = await readWorkbook(readFileSync(file), file);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  // Sheet by sheet, as a user imports a ledger kept in several sheets.
  let n = 0;
  const store = sqliteStore(db);
  for (const sheet of read.workbook.sheets) {
    const s = await importLedger(store, file, read.workbook, { sheet: sheet.name }, 'all', { who: { actor: 'bench', at: new Date().toISOString() }, today: '2026-11-23' });
    n += s.assets.created + s.assets.updated + s.assets.unchanged;
  }
  db.$client.close();
  return n;
}

// The parse worker started and its modules loaded before the clock starts, as the bare modes' SheetJS and
// iconv-lite are by this file's imports (and as the app keeps one worker warm between files).
if (mode === 'messy' || mode === 'ledger') await readWorkbook(Buffer.from('资产编号\n1\n'), 'warm-up.csv');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const rows = mode === 'bare' ? bare() : mode === 'bare-text' ? bareText() : mode === 'messy' ? await messy() : await ledger();
const ms = performance.now() - t0;
// Every thread's CPU time (the parse worker's too): what a busy shared machine changes least.
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rows, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
