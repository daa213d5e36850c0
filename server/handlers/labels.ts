import type { labelOps } from '../../api/labels';
import { can } from '../../api/roles';
import type { HandlersFor } from './handler';
import { UserError } from '../../lib/problems';
import { labelSheetPdf, marginProblems, type LabelData } from '../../print/labels';
import { subtreeOf } from '../../db/queries/agencies';
import { agencyNameOf, labelRowsOfAgencies, labelRowsOfTags, labelServerAddress, linkBlankLabel, reserveBlankLabels, saveLabelServerAddress } from '../../db/queries/labels';
import { assetOfTag, inScope, NOT_IN_SCOPE, requireAgency, requireLabel, scopeRoot } from '../scope';
import { chineseFont } from '../fonts';

const MAX_LABELS = 5000;

/** What a label's code carries: the address that opens the asset on the server, or the tag itself. */
export function labelCode(server: string | null, tag: string): string {
  return server ? `${server}/a/${encodeURIComponent(tag)}` : tag;
}

function agencyName(rows: { agencyCode: string; agencyName: string }[], code: string): string {
  return rows.find((r) => r.agencyCode === code)?.agencyName ?? code;
}

export const labelHandlers: HandlersFor<typeof labelOps> = {
  'labels/pdf': async (ctx, input) => {
    const problems = marginProblems(input.layout, input.margins);
    if (problems.length) throw new UserError(problems);
    const blank = input.blank ?? 0;
    if (blank > 0 && !(ctx.user && can(ctx.user.role, 'edit'))) {
      throw new UserError([{ field: 'blank', code: 'forbidden', message: '预留空白标签需要编辑权限(装备管理员)' }]);
    }
    const { labels, agency } = await (blank > 0 ? ctx.store.write.bind(ctx.store) : ctx.store.read.bind(ctx.store))(async (tx) => {
      const server = await labelServerAddress(tx);
      let rows: Awaited<ReturnType<typeof labelRowsOfTags>> = [];
      let agency = input.agency ?? scopeRoot(ctx) ?? undefined;
      if (input.tags) {
        const tags = [...new Set(input.tags)];
        // A tag outside the caller's scope is answered as one the ledger lacks, so that a county cannot probe another's tags.
        rows = (await labelRowsOfTags(tx, tags)).filter((r) => inScope(ctx, r.agencyCode));
        const known = new Set(rows.map((r) => r.tag));
        const unknown = tags.filter((t) => !known.has(t));
        if (unknown.length) throw new UserError([{ field: 'tags', message: `${NOT_IN_SCOPE}这些装备编号:${unknown.slice(0, 20).join('、')}${unknown.length > 20 ? ` 等 ${unknown.length} 个` : ''}` }]);
        // With blank labels asked for, the agency names whose they are, and only they are printed.
      } else if (blank === 0) {
        if (!agency) throw new UserError([{ field: 'agency', message: '请选择要打印标签的装备或机构' }]);
        requireAgency(ctx, agency, 'agency');
        const codes = await subtreeOf(tx, agency);
        if (codes.length === 0) throw new UserError([{ field: 'agency', message: `机构代码 ${agency} 不存在` }]);
        rows = await labelRowsOfAgencies(tx, codes, MAX_LABELS + 1);
        if (rows.length > MAX_LABELS) throw new UserError([{ field: 'agency', message: `机构 ${agency} 及下级共有超过 ${MAX_LABELS} 件装备,一次最多打印 ${MAX_LABELS} 个标签:请选择下级机构或装备` }]);
      }
      const labels: LabelData[] = rows.map((r) => ({ code: labelCode(server, r.tag), tag: r.tag, itemName: r.itemName, agencyName: r.agencyName }));
      if (blank > 0) {
        const owner = input.agency ?? (rows.length ? rows[0].agencyCode : scopeRoot(ctx));
        if (!owner) throw new UserError([{ field: 'agency', message: '预留空白标签须指定机构' }]);
        requireAgency(ctx, owner, 'agency');
        const name = (await agencyNameOf(tx, owner)) ?? agencyName(rows, owner);
        for (const code of await reserveBlankLabels(tx, ctx.who(), owner, blank)) {
          labels.push({ code: labelCode(server, code), tag: code, itemName: '', agencyName: name, blank: true });
        }
        agency = owner;
      }
      if (labels.length === 0) throw new UserError([{ field: input.tags ? 'tags' : 'agency', message: '没有可打印标签的装备(已报废的装备不打印)' }]);
      return { labels, agency };
    });
    const pdf = await labelSheetPdf({ labels, layout: input.layout, margins: input.margins, font: chineseFont(), title: '资产标签' });
    const what = input.tags ? `${labels.length}件` : `${agency ?? '全部'}`;
    return { fileName: `资产标签-${what}-${input.layout}-${ctx.today()}.pdf`, base64: pdf.toString('base64') };
  },
  'labels/link': (ctx, { code, tag }) => ctx.store.write(async (tx) => {
    const assetId = await assetOfTag(ctx, tx, tag);
    await requireLabel(ctx, tx, code, 'code');
    await linkBlankLabel(tx, ctx.who(), code, assetId);
    return { code, tag };
  }),
  'labels/settings': async (ctx) => ({ serverAddress: await labelServerAddress(ctx.store) }),
  'labels/saveServerAddress': (ctx, { serverAddress }) => ctx.store.write(async (tx) => {
    const address = serverAddress ? serverAddress.replace(/\/+$/, '') : null;
    await saveLabelServerAddress(tx, ctx.who(), address);
    return { serverAddress: address };
  }),
};
