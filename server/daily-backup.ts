import { dailyBackup } from '../db/backup';
import type { Ledger } from './context';

export const DEFAULT_KEEP = 14;

/** Takes the day's backup now and checks again every hour while the app runs; returns a stop function. */
export function scheduleDailyBackups(ledger: Ledger, keep = DEFAULT_KEEP, log: (line: string) => void = console.log): () => void {
  const run = () =>
    dailyBackup(ledger.db.$client, ledger.file, keep, ledger.clock.now(), ledger.clock.timeZone).then(
      (made) => made && log(`已完成每日备份:${made.name}`),
      (e: Error) => log(`每日备份失败:${e.message}`),
    );
  void run();
  const timer = setInterval(run, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
