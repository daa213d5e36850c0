import type { Clock } from '../lib/clock';
import { openProvincial } from '../db/pg';
import { postgresStore, sqliteStore, type Store } from '../db/store';
import { transferLedger, type TransferSummary } from '../db/transfer';
import { closeLedger, openLedger } from './ledger';

/** A PostgreSQL connection string (either of libpq's forms) rather than a ledger file's path. */
export const isConnectionString = (s: string) => /^postgres(ql)?:\/\//i.test(s) || /(^|\s)(host|dbname)\s*=/.test(s);

/**
 * Moves the ledger file `from` into `to`: the provincial database (a connection string) or another ledger
 * file (a city gathering its counties). Both are first brought to this app's schema; `actor` is recorded on
 * the transfer's audit entry. An operator's command, not an api operation: it spans two databases.
 */
export async function moveLedger(from: string, to: string, clock: Clock, actor: string): Promise<TransferSummary> {
  const source = openLedger(from, clock, { mustExist: true }).ledger;
  let target: Store | undefined;
  let targetFile: ReturnType<typeof openLedger>['ledger'] | undefined;
  try {
    if (isConnectionString(to)) {
      target = postgresStore(await openProvincial(to));
    } else {
      targetFile = openLedger(to, clock).ledger;
      target = sqliteStore(targetFile.db);
    }
    return await transferLedger(sqliteStore(source.db), target, from, { actor, at: clock.now().toISOString() });
  } finally {
    await target?.close();
    if (targetFile) closeLedger(targetFile);
    closeLedger(source);
  }
}
