import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/open';

/**
 * The wording of a ledger file made by an earlier release, fixed by the file's own migrations (the provincial
 * database began after the fix: tests/integration/wording.test.ts reads the wording on both engines).
 */
describe('a ledger file upgraded from before the wording fix', () => {
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
