import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { UserError } from '../../lib/problems';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';

export interface BlankLabel {
  code: string;
  agencyId: number;
  agencyCode: string;
  /** The asset the label was stuck on, once linked. */
  assetId: number | null;
}

/** The blank label of this code, if the ledger printed one. */
export function findBlankLabel(tx: Tx, code: string): Promise<BlankLabel | undefined> {
  return tx.get<BlankLabel>(sql`select b.code, b.agency_id as "agencyId", a.code as "agencyCode", b.asset_id as "assetId"
    from blank_labels b join agencies a on a.id = b.agency_id where b.code = ${code}`);
}

/** Sticks a blank label on an asset: from now on its code names the asset. A label is linked once, an asset has one. */
export async function linkBlankLabel(tx: Tx, who: Actor, code: string, assetId: number, batch?: string): Promise<void> {
  const label = await findBlankLabel(tx, code);
  if (!label) throw new UserError([{ field: 'code', message: `空白标签 ${code} 不存在(不是本台账打印的标签)` }]);
  if (label.assetId !== null) throw new UserError([{ field: 'code', message: `空白标签 ${code} 已绑定到其他装备` }]);
  const asset = await tx.get<{ tag: string; agency: string }>(sql`select s.asset_tag as tag, a.code as agency from assets s join agencies a on a.id = s.agency_id where s.id = ${assetId}`);
  if (!asset) throw new UserError([{ field: 'assetId', message: `装备 #${assetId} 不存在` }]);
  const taken = await tx.get<{ code: string }>(sql`select code from blank_labels where asset_id = ${assetId}`);
  if (taken) throw new UserError([{ field: 'assetId', message: `装备 ${asset.tag} 已贴有标签 ${taken.code}` }]);
  await tx.run(sql`update blank_labels set asset_id = ${assetId}, linked_by = ${who.actor}, linked_at = ${who.at} where code = ${code}`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'blank-label', entityKey: code, before: { assetId: null }, after: { assetId, assetTag: asset.tag }, batch, agencies: [label.agencyCode, asset.agency] }]);
}

/** What a label prints for one asset. */
export interface AssetLabelRow {
  tag: string;
  itemName: string;
  agencyCode: string;
  agencyName: string;
}

const LABEL_ROWS = sql`select s.asset_tag as tag, c.name as "itemName", a.code as "agencyCode", a.name as "agencyName"
  from assets s join catalog_items c on c.code = s.item_code join agencies a on a.id = s.agency_id`;

/** The assets of these tags, in the order asked; tags the ledger does not hold are left out. */
export async function labelRowsOfTags(tx: Tx, tags: readonly string[]): Promise<AssetLabelRow[]> {
  if (tags.length === 0) return [];
  const rows = await tx.all<AssetLabelRow>(sql`${LABEL_ROWS} where ${inList(tx, sql`s.asset_tag`, tags)}`);
  const byTag = new Map(rows.map((r) => [r.tag, r]));
  return tags.flatMap((t) => byTag.get(t) ?? []);
}

/** The assets not scrapped of these agencies, by agency and tag; at most `limit` (one more tells the caller there are too many). */
export function labelRowsOfAgencies(tx: Tx, codes: readonly string[], limit: number): Promise<AssetLabelRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return tx.all<AssetLabelRow>(sql`${LABEL_ROWS} where ${inList(tx, sql`a.code`, codes)} and s.status <> 'scrapped'
    order by a.code, s.asset_tag limit ${limit}`);
}

/**
 * Blank label codes are `BL-<agency code>-<8 characters>`: the agency that printed them (agency codes are unique in a
 * province's ledger), then 8 random characters of Crockford's base32 (no I, L, O or U, so a damaged label is typed
 * without confusing 1/I/L or 0/O) — 40 bits, drawn again when taken. Random rather than counted, so two server
 * processes reserving at once never draw the same code from a shared counter: each insert that meets a taken code
 * (the primary key) does nothing and draws again.
 */
export const BLANK_CODE_PATTERN = /^BL-[A-Za-z0-9_.-]+-[0-9A-HJKMNP-TV-Z]{8}$/;
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function drawBlankCode(agencyCode: string): string {
  let tail = '';
  for (let i = 0; i < 8; i++) tail += CROCKFORD[randomInt(32)];
  return `BL-${agencyCode}-${tail}`;
}

/** Reserves `count` new blank label codes for an agency, printed now by `who`. Call inside a write transaction. */
export async function reserveBlankLabels(tx: Tx, who: Actor, agencyCode: string, count: number): Promise<string[]> {
  const agency = await tx.get<{ id: number }>(sql`select id from agencies where code = ${agencyCode}`);
  if (!agency) throw new UserError([{ field: 'agency', message: `机构代码 ${agencyCode} 不存在` }]);
  const codes: string[] = [];
  for (let tries = 0; codes.length < count; tries++) {
    if (tries > count * 4 + 20) throw new Error('could not draw free blank label codes');
    const code = drawBlankCode(agencyCode);
    if (await tx.get(sql`select 1 as one from assets where asset_tag = ${code}`)) continue;
    const row = await tx.get<{ code: string }>(sql`insert into blank_labels (code, agency_id, printed_by, printed_at)
      values (${code}, ${agency.id}, ${who.actor}, ${who.at}) on conflict (code) do nothing returning code`);
    if (row) codes.push(row.code);
  }
  await appendAudit(tx, who, [{ action: 'create', entity: 'blank-label', entityKey: `${codes[0]}…(${count})`, after: { count, codes }, agencies: [agencyCode] }]);
  return codes;
}

/** The asset id of a tag, if the ledger holds it. */
export async function assetIdOfTag(tx: Tx, tag: string): Promise<number | undefined> {
  return (await tx.get<{ id: number }>(sql`select id from assets where asset_tag = ${tag}`))?.id;
}

const SERVER_KEY = 'labels.server';

/** The server's address that label codes open (`https://host[:port]`), when an administrator has set it. */
export async function labelServerAddress(tx: Tx): Promise<string | null> {
  const raw = (await tx.get<{ value: unknown }>(sql`select value from settings where key = ${SERVER_KEY}`))?.value;
  if (raw === undefined || raw === null) return null;
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return typeof value?.address === 'string' && value.address ? value.address : null;
}

/** Sets (or with null clears) the server's address. Call inside a write transaction. */
export async function saveLabelServerAddress(tx: Tx, who: Actor, address: string | null): Promise<void> {
  const before = await labelServerAddress(tx);
  await tx.run(sql`insert into settings (key, value) values (${SERVER_KEY}, ${JSON.stringify({ address })}) on conflict (key) do update set value = excluded.value`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'settings', entityKey: SERVER_KEY, before: { address: before }, after: { address }, agencies: [] }]);
}

export async function agencyNameOf(tx: Tx, code: string): Promise<string | undefined> {
  return (await tx.get<{ name: string }>(sql`select name from agencies where code = ${code}`))?.name;
}
