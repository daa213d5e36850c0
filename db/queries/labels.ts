import { sql } from 'kysely';
import { UserError } from '../../lib/problems';
import type { Tx } from '../store';
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
