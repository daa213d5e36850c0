import type { Db } from '../types';

/** The highest asset id so far; rows inserted after it are the ones `indexAssetsAfter` indexes. */
export function lastAssetId(db: Db): number {
  return (db.$client.prepare('select coalesce(max(id), 0) from assets').pluck().get() as number) ?? 0;
}

/** Adds assets inserted after `id` to the quick-search index, in one statement (see migration 0003). */
export function indexAssetsAfter(db: Db, id: number): void {
  db.$client
    .prepare(`insert into assets_search (rowid, asset_tag, plate_number, model, custodian) select id, asset_tag, plate_number, model, custodian from assets where id > ?`)
    .run(id);
}
