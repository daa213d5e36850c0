import { sql } from 'kysely';
import type { Tx } from '../store';

/** The highest asset id so far; rows inserted after it are the ones `indexAssetsAfter` indexes. */
export async function lastAssetId(tx: Tx): Promise<number> {
  return (await tx.get<{ id: number }>(sql`select coalesce(max(id), 0) as id from assets`))!.id;
}

/**
 * Adds assets inserted after `id` to the quick-search index, in one statement (see migration 0003). The
 * provincial database's trigram indexes (db/migrations-pg/0001) keep themselves.
 */
export async function indexAssetsAfter(tx: Tx, id: number): Promise<void> {
  if (tx.engine === 'postgres') return;
  await tx.run(sql`insert into assets_search (rowid, asset_tag, plate_number, model, custodian) select id, asset_tag, plate_number, model, custodian from assets where id > ${id}`);
}
