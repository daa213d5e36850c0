import { describe, expect, it } from 'vitest';
import { seedUser } from '../fixtures/db';
import { dailyBackup, listBackups } from '../../db/backup';
import { startOfLocalDay } from '../../lib/clock';
import { testClock } from '../fixtures/context';
import { tempLedger } from '../fixtures/factories';

describe('the daily backup', () => {
  it('is one per Shanghai day: 23:50 and 00:20 local time fall on two days although UTC reads the same date', async () => {
    const { db, file } = tempLedger();
    // A ledger with nobody signed up to it yet is never backed up.
    await seedUser(db, { actor: 'admin', at: new Date().toISOString() }, { username: 'admin', displayName: '王管理', role: 'admin', agencyCode: null }, 'not-a-hash');
    const today = testClock(new Date(), 'Asia/Shanghai').today();
    const midnight = new Date(startOfLocalDay(today, 'Asia/Shanghai')).getTime();
    const [lateYesterday, earlyToday, laterToday] = [midnight - 10 * 60_000, midnight + 20 * 60_000, midnight + 10 * 3_600_000].map((t) => new Date(t));
    expect(lateYesterday.toISOString().slice(0, 10)).toBe(earlyToday.toISOString().slice(0, 10));
    expect(await dailyBackup(db.$client, file, 14, lateYesterday, 'Asia/Shanghai')).not.toBeNull();
    expect(await dailyBackup(db.$client, file, 14, earlyToday, 'Asia/Shanghai')).not.toBeNull();
    expect(await dailyBackup(db.$client, file, 14, laterToday, 'Asia/Shanghai')).toBeNull();
    expect(listBackups(file).filter((b) => b.kind === 'daily')).toHaveLength(2);
  });
});
