import { describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import type { FileOut, Overview, TermsRow } from '../../api/contract';
import { testClock } from '../fixtures/context';
import { as, seedLedger, testLedger } from '../fixtures/engine';
import { dispatch } from '../../server/dispatch';
import type { Context } from '../../server/context';
import { agency, asset, templateBuffer } from '../fixtures/factories';

/** The day the records are dated by: a chosen instant of the injected clock (noon in Shanghai), not the machine's today. */
const CLOCK = testClock('2026-11-23T04:00:00Z');

/** A county K with one vehicle; the caller is K's equipment manager. */
async function countyManager(): Promise<Context> {
  const l = await testLedger(CLOCK);
  await seedLedger(l, templateBuffer([agency({ code: 'K', level: 'county' })], [asset({ assetTag: 'CAR-1', itemCode: 'S01', agencyCode: 'K' })]));
  return as(l, 'manager', { username: 'mgr', agencyCode: 'K' });
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
});
