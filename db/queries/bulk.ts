import { sql } from 'kysely';
import type { Tx } from '../store';
import { appendAudit, type Actor } from './audit';
import { ASSET_FIELD_COLUMNS, assetFieldValues } from './asset-writes';
import { indexAssetsAfter, lastAssetId } from './search';
import type { AssetInput } from '../../lib/domain/assets';
import type { AgencyRecord } from '../../quotas/types';

export interface BulkService {
  date: string;
  kind: 'repair' | 'service';
  description: string;
  costFen: number | null;
  odometerKm: number | null;
  nextDueDate: string | null;
}

export type BulkAsset = Omit<AssetInput, 'row'> & {
  fundingSource?: string | null;
  location?: string | null;
  serialNumber?: string | null;
  service?: BulkService | null;
};

/** Rows per multi-row insert: 500 assets of 15 values stay far below either engine's limit on a statement's parameters. */
const ROWS = 500;

/** Agencies by generation, parents before children: a statement's rows see the parents that earlier statements wrote. */
function generations(agencies: readonly AgencyRecord[]): AgencyRecord[][] {
  const depth = new Map<string, number>();
  const out: AgencyRecord[][] = [];
  for (const a of agencies) {
    const d = a.parentCode !== null && depth.has(a.parentCode) ? depth.get(a.parentCode)! + 1 : 0;
    depth.set(a.code, d);
    (out[d] ??= []).push(a);
  }
  return out;
}

/** Up to `n` items at a time of an iterable, read as they are needed. */
function* blocks<T>(items: Iterable<T>, n: number): Generator<T[]> {
  let block: T[] = [];
  for (const x of items) {
    block.push(x);
    if (block.length === n) {
      yield block;
      block = [];
    }
  }
  if (block.length) yield block;
}

/**
 * Loads a whole generated ledger into an empty database, inside the caller's write transaction, in multi-row
 * statements; recorded in the audit log as one bulk entry (a per-row trail of synthetic data would only bury real
 * entries). `assets` is read once: on PostgreSQL, where the transaction may run again, pass a fresh iterable each time.
 */
export async function loadLedger(tx: Tx, who: Actor, label: string, agencies: readonly AgencyRecord[], assets: Iterable<BulkAsset>): Promise<{ agencies: number; assets: number }> {
  const indexedUpTo = await lastAssetId(tx);
  const ids = new Map<string, number>();
  for (const generation of generations(agencies)) {
    for (const block of blocks(generation, ROWS)) {
      const rows = await tx.all<{ id: number; code: string }>(sql`insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, longitude, latitude)
        values ${sql.join(block.map((a) => sql`(${a.code}, ${a.name}, ${a.level}, (select id from agencies where code = ${a.parentCode}), ${a.staff},
          ${a.authorizedPosts}, ${a.offices}, ${a.longitude}, ${a.latitude})`))} returning id, code`);
      for (const r of rows) ids.set(r.code, r.id);
    }
  }
  let n = 0;
  for (const block of blocks(assets, ROWS)) {
    // One statement's rows take ascending ids in the order of its values, on both engines.
    const assetIds = (await tx.all<{ id: number }>(sql`insert into assets (${ASSET_FIELD_COLUMNS})
      values ${sql.join(block.map((s) => assetFieldValues(s, ids.get(s.agencyCode)!)))} returning id`)).map((r) => r.id).sort((a, b) => a - b);
    const services = block.flatMap((s, i) => (s.service ? [sql`(${assetIds[i]}, ${s.service.date}, ${s.service.kind}, ${s.service.description},
      ${s.service.costFen}, ${s.service.odometerKm}, ${s.service.nextDueDate})`] : []));
    if (services.length) {
      await tx.run(sql`insert into maintenance_records (asset_id, date, kind, description, cost_fen, odometer_km, next_due_date) values ${sql.join(services)}`);
    }
    n += block.length;
  }
  await indexAssetsAfter(tx, indexedUpTo);
  const counts = { agencies: agencies.length, assets: n };
  await appendAudit(tx, who, [{ action: 'bulk', entity: 'ledger', entityKey: label, after: counts, agencies: [] }]);
  // The planner's statistics, for a ledger that was empty a moment ago.
  await tx.run(sql`analyze`);
  return counts;
}

export async function isEmptyLedger(tx: Tx): Promise<boolean> {
  return !(await tx.get(sql`select 1 as one from agencies limit 1`));
}
