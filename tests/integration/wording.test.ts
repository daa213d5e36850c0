import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/open';
import * as XLSX from 'xlsx';
import type { FileOut, Overview, TermsRow } from '../../api/contract';
import { contextAs, testClock } from '../fixtures/context';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import { agency, asset, seedTemplate, templateBuffer, tempLedger } from '../fixtures/factories';

/** The day the records are dated by: a chosen instant of the injected clock (noon in Shanghai), not the machine's today. */
const CLOCK = testClock('2026-11-23T04:00:00Z');
const TODAY = CLOCK.today();

/** A county K with one vehicle; the caller is K's equipment manager. */
async function countyManager(): Promise<Context> {
  const { db, file } = tempLedger();
  await seedTemplate(db, templateBuffer([agency({ code: 'K', level: 'county' })], [asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: 'K' })]),
    { file: 't.xlsx', who: { actor: 'admin', at: `${TODAY}T01:00:00.000Z` }, today: TODAY });
  return contextAs(db, file, 'manager', { username: 'mgr', agencyCode: 'K' }, CLOCK);
}

async function ok<T>(ctx: Context, name: string, input: unknown): Promise<T> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.value as T;
}

const cells = (file: FileOut) => {
  const book = XLSX.read(Buffer.from(file.base64, 'base64'));
  return book.SheetNames.map((n) => XLSX.utils.sheet_to_csv(book.Sheets[n])).join('\n');
};

describe('reports and screens name the standard and the sources in Chinese, never by internal ids', () => {
  it('the 预算申请表 names its rule set 国家 2020 年版配备标准, not national-2020', async () => {
    const text = cells(await ok<FileOut>(await countyManager(), 'budget/export', { year: 2027 }));
    expect(text).toContain('配备标准:国家 2020 年版配备标准');
    expect(text).not.toContain('national-2020');
  });

  it('the score card’s .xlsx names its rule set by name', async () => {
    const text = cells(await ok<FileOut>(await countyManager(), 'score/export', { agency: 'K' }));
    expect(text).not.toMatch(/zhejiang-2022|national-2020/);
  });

  it('the overview says which standard its shortfall is measured against, by name', async () => {
    expect((await ok<Overview>(await countyManager(), 'overview/summary', {})).ruleSetName).toBe('国家 2020 年版配备标准');
  });

  it('a new ledger’s replacement rules cite the Jilin survey without the internal seed number', async () => {
    const terms = await ok<TermsRow[]>(await countyManager(), 'budget/terms', {});
    expect(terms.find((t) => t.item === 'S01')!.lifeNote).toMatch(/^吉林省调研/);
    expect(terms.map((t) => t.lifeNote ?? '').join()).not.toContain('seed');
  });

  it('an existing ledger whose rules were copied with the seed number loses it on upgrade, and a note the user wrote stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-wording-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    // The migrations as the release before the wording fix shipped them: up to 0009.
    const folder = join(dir, 'migrations');
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8'));
    const fix = journal.entries.findIndex((e: { tag: string }) => e.tag === '0010_terms_wording');
    expect(fix).toBeGreaterThan(0);
    journal.entries.splice(fix);
    writeFileSync(journalPath, JSON.stringify(journal));
    const file = join(dir, 'ledger.db');
    const { db: old } = openDatabase(file, { migrationsFolder: folder });
    old.$client.prepare(`update item_terms set life_note = ? where item_code = 'S01'`).run('吉林省调研(seed 000):使用超过 8 年或行驶超过 20 万公里需更新');
    old.$client.prepare(`update item_terms set life_note = ? where item_code = 'S02'`).run('本局自定:6 年');
    old.$client.close();
    const { db } = openDatabase(file);
    onTestFinished(() => void db.$client.close());
    const note = (code: string) => db.$client.prepare('select life_note from item_terms where item_code = ?').pluck().get(code);
    expect(note('S01')).toBe('吉林省调研:使用超过 8 年或行驶超过 20 万公里需更新');
    expect(note('S02')).toBe('本局自定:6 年');
  });
});
