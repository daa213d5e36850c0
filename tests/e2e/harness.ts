import type { Server } from 'node:http';
import { join } from 'node:path';
import { openDatabase } from '../../db/open';
import type { Db } from '../../db/types';
import type { Clock } from '../../lib/clock';
import { createHttpServer, listen } from '../../server/http';
import { ledgerOf } from '../fixtures/context';
import { tempDir } from '../fixtures/factories';
import { RENDERER } from '../../scripts/browser';

/** The app's HTTP server on a fresh ledger in a temp dir, on a free loopback port. */
export async function startApp(): Promise<{ url: string; db: Db; server: Server; clock: Clock; stop: () => Promise<void> }> {
  const file = join(tempDir(), 'ledger.db');
  const { db } = openDatabase(file);
  const ledger = ledgerOf(db, file);
  const server = createHttpServer(ledger, RENDERER);
  const { port } = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/`,
    db,
    server,
    /** The server's clock: the day the app (and so the test) works on. */
    clock: ledger.clock,
    stop: () => new Promise((done) => {
      // A browser keeps its connections open; they are not the test's to wait for.
      server.closeAllConnections();
      server.close(() => {
        ledger.db.$client.close(); // a restore may have replaced the connection the test started with
        done();
      });
    }),
  };
}
