import type { AuditQuery, ExportFormat, FileOut } from '../../api/contract';
import { auditEntries, listAudit } from '../../db/queries/audit';
import type { Tx } from '../../db/store';
import { auditWorkbook } from '../../excel/exports/audit';
import { displayNames } from '../../db/queries/users';
import { mentionedPeople } from '../../lib/changes';
import type { auditOps } from '../../api/audit';
import type { HandlersFor } from './handler';
import { randomUUID } from 'node:crypto';
import { lastUndoable, undoBatch } from '../../db/queries/undo';
import { scopeCodes } from '../scope';

/** The audit log as filtered (within a reader's scope; null: all), newest first. */
export async function exportAudit(tx: Tx, query: AuditQuery, today: string, scope: ReadonlySet<string> | null, timeZone: string, format?: ExportFormat): Promise<FileOut> {
  const entries = await auditEntries(tx, query, scope, timeZone);
  return auditWorkbook(entries, { people: await displayNames(tx, mentionedPeople(entries)) }, today, timeZone, format);
}

/** The audit log within the caller's scope, and undo of their last batch (an administrator: anyone's). */
export const auditHandlers: HandlersFor<typeof auditOps> = {
  'audit/list': (ctx, { query, startRow, endRow }) => ctx.store.read(async (tx) => {
    const page = await listAudit(tx, query, startRow, endRow, scopeCodes(ctx), ctx.clock.timeZone);
    return { ...page, people: await displayNames(tx, mentionedPeople(page.rows)) };
  }),
  'audit/export': (ctx, { query, format }) => ctx.store.read((tx) => exportAudit(tx, query, ctx.today(), scopeCodes(ctx), ctx.clock.timeZone, format)),
  'undo/last': (ctx) => lastUndoable(ctx.store, ctx.user!.role === 'admin' ? undefined : ctx.user!.username),
  // Read, checked and taken back in one write: two undos of one batch at once take it back once.
  'undo/apply': async (ctx, { batch }) => {
    const undoId = randomUUID();
    return { undone: await ctx.store.write((tx) => undoBatch(tx, ctx.who(), batch, undoId, ctx.user!.role === 'admin')) };
  },
};
