import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sql } from 'kysely';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import type { FileOut, Input, OpName, Output } from '../../api/contract';
import { BLANK_CODE_PATTERN } from '../../db/queries/labels';
import type { LabelLayout } from '../../lib/domain/labels';
import { LABEL_LAYOUTS, labelSheet, labelSheetPdf, type LabelData } from '../../print/labels';
import type { Context } from '../../server/context';
import { dispatch } from '../../server/dispatch';
import { assetLinkTarget } from '../../server/http';
import { as, asUser, ENGINE, otherProcess, rows, seededLedger, snapshotOf, value } from '../fixtures/engine';
import { agency, asset, templateBuffer } from '../fixtures/factories';

const TOOLS = ['pdftoppm', 'pdffonts', 'pdftotext', 'pdfinfo'];
const hasTools = TOOLS.every((t) => spawnSync('which', [t]).status === 0);
if (!hasTools) {
  if (process.env.CI) throw new Error('标签测试需要 Debian 的 poppler-utils 软件包(pdftoppm、pdffonts、pdftotext)');
  console.warn('跳过标签 PDF 测试:需要 Debian 的 poppler-utils 软件包');
}

const TREE = [
  agency({ code: 'C1', name: '杭州市生态环境局', level: 'city', staff: 30 }),
  agency({ code: 'K11', name: '杭州市生态环境局西湖分局', parentCode: 'C1', staff: 23 }),
  agency({ code: 'K12', name: '杭州市生态环境局桐庐县分局', parentCode: 'C1', staff: 12 }),
];

/** A city over two counties: K11 holds 30 body cameras (S09) and a scrapped one, K12 one car. */
async function city() {
  const tags = Array.from({ length: 30 }, (_, i) => `K11-${String(i + 1).padStart(3, '0')}`);
  const l = await seededLedger(templateBuffer(TREE, [
    ...tags.map((assetTag) => asset({ assetTag, itemCode: 'S09', agencyCode: 'K11' })),
    asset({ assetTag: 'K11-OLD', itemCode: 'S09', agencyCode: 'K11', status: 'scrapped' }),
    asset({ assetTag: 'K12-CAR', itemCode: 'S01', agencyCode: 'K12' }),
  ]));
  const itemName = (code: string) => rows(l, sql<{ name: string }>`select name from catalog_items where code = ${code}`).then((r) => r[0].name);
  return {
    l, tags, camera: await itemName('S09'),
    admin: await asUser(l, 'admin', 'admin', null),
    mgrK11: await asUser(l, 'mgrK11', 'manager', 'K11'),
    mgrK12: await asUser(l, 'mgrK12', 'manager', 'K12'),
    readK11: await asUser(l, 'readK11', 'readonly', 'K11'),
  };
}

async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const r = await dispatch(ctx, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.value as Output<N>;
}

async function refused(ctx: Context, name: OpName, input: unknown): Promise<string> {
  const before = await snapshotOf(ctx);
  const r = await dispatch(ctx, name, input);
  expect(r.ok, name).toBe(false);
  expect(await snapshotOf(ctx)).toEqual(before);
  return r.ok ? '' : r.problems.map((p) => p.message).join(';');
}

function saved(file: FileOut): string {
  const dir = mkdtempSync('/tmp/eql-labels-');
  const path = join(dir, 'labels.pdf');
  writeFileSync(path, Buffer.from(file.base64, 'base64'));
  return path;
}

const pdfinfo = (pdf: string) => execFileSync('pdfinfo', [pdf]).toString();
const pages = (pdf: string) => Number(/Pages:\s+(\d+)/.exec(pdfinfo(pdf))![1]);

/** Every label's QR code as a phone reads it: the sheets rendered at 300 dpi, each label's square cut out and decoded. */
function decodedLabels(pdf: string, layout: LabelLayout, count: number): (string | null)[] {
  const prefix = join(mkdtempSync('/tmp/eql-render-'), 'page');
  execFileSync('pdftoppm', ['-r', '300', '-png', pdf, prefix]);
  const files = readdirSync(join(prefix, '..')).filter((f) => f.endsWith('.png')).sort();
  const sheet = labelSheet(layout);
  const px = (mm: number) => Math.round((mm * 300) / 25.4);
  const perPage = sheet.columns * sheet.rows;
  const out: (string | null)[] = [];
  let page = PNG.sync.read(readFileSync(join(prefix, '..', files[0])));
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % perPage === 0) page = PNG.sync.read(readFileSync(join(prefix, '..', files[i / perPage])));
    const slot = i % perPage;
    const x0 = px(sheet.margins.left + (slot % sheet.columns) * (sheet.labelWidth + sheet.margins.columnGap));
    const y0 = px(sheet.margins.top + Math.floor(slot / sheet.columns) * (sheet.labelHeight + sheet.margins.rowGap));
    const w = Math.min(px(sheet.labelWidth), page.width - x0);
    const h = Math.min(px(sheet.labelHeight), page.height - y0);
    const crop = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) crop.set(page.data.subarray(((y0 + y) * page.width + x0) * 4, ((y0 + y) * page.width + x0 + w) * 4), y * w * 4);
    out.push(jsQR(crop, w, h)?.data ?? null);
  }
  return out;
}

describe.skipIf(!hasTools)('QR labels as a vector PDF', () => {
  it('30 labels for a county on A4 3×8 fill 2 pages, each code read back as its tag, with the Chinese names in an embedded font', async () => {
    const { mgrK11, tags, camera } = await city();
    const file = await call(mgrK11, 'labels/pdf', { agency: 'K11', layout: 'a4-3x8' });
    expect(file.fileName).toMatch(/^资产标签-.*\.pdf$/);
    const pdf = saved(file);
    expect(pdfinfo(pdf)).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    expect(pages(pdf)).toBe(2);
    // The scrapped camera gets no label; the rest in tag order.
    expect(decodedLabels(pdf, 'a4-3x8', 30)).toEqual(tags);
    const fonts = execFileSync('pdffonts', [pdf]).toString().split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/SourceHanSansSC-Regular.*\byes\s+yes\s+yes\b/);
    const text = execFileSync('pdftotext', [pdf, '-']).toString();
    expect(text).toContain(camera);
    expect(text).toContain('K11-030');
    expect(text).not.toContain('K11-OLD');
    // The agency's name is whole, on one line or wrapped onto a second within the label.
    expect(text.replace(/\s+/g, '')).toContain('杭州市生态环境局西湖分局');
  }, 120_000);

  it('on the 50×30 label printer 30 labels are 30 pages of 50×30 mm, each one decoded', async () => {
    const { mgrK11, tags } = await city();
    const pdf = saved(await call(mgrK11, 'labels/pdf', { tags, layout: '50x30' }));
    expect(pages(pdf)).toBe(30);
    expect(pdfinfo(pdf)).toMatch(/Page size:\s+141\.7\d* x 85\.0\d* pts/);
    expect(decodedLabels(pdf, '50x30', 30)).toEqual(tags);
  }, 120_000);

  it('with the server address set by an administrator, each code opens the asset at https://SERVER/a/TAG', async () => {
    const { admin, mgrK11 } = await city();
    expect(await refused(mgrK11, 'labels/saveServerAddress', { serverAddress: 'https://zfzb.example.gov.cn' })).toMatch(/无权/);
    expect(await refused(admin, 'labels/saveServerAddress', { serverAddress: 'javascript:alert(1)' })).toMatch(/服务器地址应形如/);
    await call(admin, 'labels/saveServerAddress', { serverAddress: 'https://zfzb.example.gov.cn:8443/' });
    expect(await call(mgrK11, 'labels/settings', {})).toEqual({ serverAddress: 'https://zfzb.example.gov.cn:8443' });
    const pdf = saved(await call(mgrK11, 'labels/pdf', { tags: ['K11-001', 'K11-002'], layout: 'a4-2x5' }));
    expect(decodedLabels(pdf, 'a4-2x5', 2)).toEqual(['https://zfzb.example.gov.cn:8443/a/K11-001', 'https://zfzb.example.gov.cn:8443/a/K11-002']);
    // The phone that scans it lands on the ledger filtered to that tag (the app signs in first and keeps the address).
    expect(assetLinkTarget('/a/K11-001')).toBe('/#/ledger?q=K11-001');
    expect(assetLinkTarget('/a/%E6%89%A7-1')).toBe(`/#/ledger?q=${encodeURIComponent('执-1')}`);
    expect(assetLinkTarget('/a/%E6')).toBeNull();
    expect(assetLinkTarget('/assets/x')).toBeUndefined();
  }, 120_000);

  it('margins that do not fit the sheet are refused in Chinese, naming the margin', async () => {
    const { mgrK11 } = await city();
    const r = await dispatch(mgrK11, 'labels/pdf', { agency: 'K11', layout: 'a4-3x8', margins: { left: 10, columnGap: 2 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual([expect.objectContaining({ field: 'margins.left', message: expect.stringMatching(/超出纸宽 210 毫米/) })]);
    expect(await refused(mgrK11, 'labels/pdf', { agency: 'K11', layout: 'a4-2x5', margins: { top: 20, rowGap: 3 } })).toMatch(/超出纸高 297 毫米/);
    expect(await refused(mgrK11, 'labels/pdf', { agency: 'K11', layout: 'a4-2x5', margins: { top: -1 } })).toMatch(/上边距不能为负/);
    // Margins that fit are used: a smaller sheet still prints.
    const ok = await dispatch(mgrK11, 'labels/pdf', { tags: ['K11-001'], layout: 'a4-3x8', margins: { top: 0, left: 0, columnGap: 0, rowGap: 0 } });
    expect(ok.ok).toBe(true);
  });

  it('a county manager prints only their own county; unknown tags are refused by name, and another county\'s tags as if unknown', async () => {
    const { mgrK12 } = await city();
    // Answered as the ledger lacking it, so that a county cannot learn which tags its neighbour holds.
    expect(await refused(mgrK12, 'labels/pdf', { tags: ['K12-CAR', 'K11-001'], layout: 'a4-3x8' })).toBe('您管辖范围内没有这些装备编号:K11-001');
    expect(await refused(mgrK12, 'labels/pdf', { agency: 'K11', layout: 'a4-3x8' })).toMatch(/K11.*不在您的管辖范围内/);
    expect(await refused(mgrK12, 'labels/pdf', { agency: 'C1', layout: 'a4-3x8' })).toMatch(/C1.*不在您的管辖范围内/);
    expect(await refused(mgrK12, 'labels/pdf', { tags: ['K12-CAR', 'NOPE-1', 'NOPE-2'], layout: 'a4-3x8' })).toMatch(/没有这些装备编号:NOPE-1、NOPE-2/);
    expect(await refused(mgrK12, 'labels/pdf', { tags: ['x'.repeat(101)], layout: 'a4-3x8' })).toMatch(/不能超过 100 个字符/);
    expect(await refused(mgrK12, 'labels/pdf', { tags: Array.from({ length: 5001 }, (_, i) => `T${i}`), layout: 'a4-3x8' })).toMatch(/最多打印 5000/);
    // Without an agency, their own subtree; duplicates print once.
    const pdf = saved(await call(mgrK12, 'labels/pdf', { tags: ['K12-CAR', 'K12-CAR'], layout: '50x30' }));
    expect(pages(pdf)).toBe(1);
    expect(pages(saved(await call(mgrK12, 'labels/pdf', { layout: '50x30' })))).toBe(1);
  }, 60_000);

  it('a readonly user prints tagged labels but cannot reserve blank ones; a manager reserves them and links one at its first scan', async () => {
    const { l, readK11, mgrK11, mgrK12 } = await city();
    expect(pages(saved(await call(readK11, 'labels/pdf', { tags: ['K11-001'], layout: '50x30' })))).toBe(1);
    expect(await refused(readK11, 'labels/pdf', { agency: 'K11', layout: '50x30', blank: 3 })).toMatch(/预留空白标签需要编辑权限/);
    expect(await refused(mgrK12, 'labels/pdf', { agency: 'K11', layout: '50x30', blank: 3 })).toMatch(/不在您的管辖范围内/);
    expect(await refused(mgrK11, 'labels/pdf', { agency: 'K11', layout: '50x30', blank: 1001 })).toMatch(/最多预留 1000/);

    const pdf = saved(await call(mgrK11, 'labels/pdf', { tags: ['K11-001'], layout: '50x30', blank: 3 }));
    expect(pages(pdf)).toBe(4);
    const stored = await rows(l, sql<{ code: string; agency: string; printedBy: string }>`select b.code, a.code as agency, b.printed_by as "printedBy"
      from blank_labels b join agencies a on a.id = b.agency_id where b.asset_id is null order by b.code`);
    expect(stored).toHaveLength(3);
    for (const b of stored) expect(b).toEqual({ code: expect.stringMatching(BLANK_CODE_PATTERN), agency: 'K11', printedBy: expect.any(String) });
    const decoded = decodedLabels(pdf, '50x30', 4);
    expect(decoded[0]).toBe('K11-001');
    expect(decoded.slice(1).sort()).toEqual(stored.map((b) => b.code));
    expect(execFileSync('pdftotext', [pdf, '-']).toString()).toContain('首次扫码时绑定装备');
    expect(await value(l, sql<{ n: number }>`select count(*) as n from audit_log where entity = 'blank-label'`)).toBe(1);

    const code = stored[0].code;
    expect(await refused(mgrK12, 'labels/link', { code, tag: 'K12-CAR' })).toBe(`您管辖范围内没有空白标签 ${code}`);
    expect(await refused(mgrK11, 'labels/link', { code, tag: 'K12-CAR' })).toBe('您管辖范围内没有装备编号 K12-CAR');
    expect(await refused(mgrK11, 'labels/link', { code, tag: 'NO-SUCH' })).toBe('您管辖范围内没有装备编号 NO-SUCH');
    expect(await refused(readK11, 'labels/link', { code, tag: 'K11-002' })).toMatch(/无权/);
    expect(await refused(mgrK11, 'labels/link', { code: 'BL-K11-NOTPRINT', tag: 'K11-002' })).toBe('您管辖范围内没有空白标签 BL-K11-NOTPRINT');
    await call(mgrK11, 'labels/link', { code, tag: 'K11-002' });
    expect(await rows(l, sql<{ tag: string }>`select s.asset_tag as tag from blank_labels b join assets s on s.id = b.asset_id where b.code = ${code}`)).toEqual([{ tag: 'K11-002' }]);
    // The label's address opens the ledger searching its code: it finds the linked asset, for those who may see it.
    const found = async (ctx: typeof mgrK11, text: string) => (await call(ctx, 'assets/list', { query: { quick: text }, startRow: 0, endRow: 10 })).rows.map((r) => r.assetTag);
    expect(await found(mgrK11, code)).toEqual(['K11-002']);
    expect(await found(mgrK11, code.toLowerCase())).toEqual(['K11-002']);
    expect(await found(mgrK12, code)).toEqual([]);
    expect(await found(mgrK11, stored[1].code)).toEqual([]);
    expect(await refused(mgrK11, 'labels/link', { code, tag: 'K11-003' })).toMatch(/已绑定/);
    expect(await refused(mgrK11, 'labels/link', { code: stored[1].code, tag: 'K11-002' })).toMatch(/已贴有标签/);
  }, 60_000);
});

describe('blank label codes', () => {
  it('stay unique when two server processes (one on the embedded file) reserve runs at the same moment', async () => {
    const { l, mgrK11 } = await city();
    // A ledger file is opened by one program at a time (its lock file): there, the runs come at once to one process.
    const ledger = ENGINE === 'postgres' ? await otherProcess(l) : l.ledger;
    const other = as({ ledger }, 'manager', { id: mgrK11.user!.id, username: 'mgrK11', agencyCode: 'K11' });
    const runs = await Promise.all([mgrK11, other, mgrK11, other].map((ctx) => dispatch(ctx, 'labels/pdf', { agency: 'K11', layout: '50x30', blank: 100 })));
    expect(runs.map((r) => r.ok)).toEqual([true, true, true, true]);
    const codes = await rows(l, sql<{ code: string }>`select code from blank_labels`);
    expect(codes).toHaveLength(400);
    expect(new Set(codes.map((c) => c.code)).size).toBe(400);
    for (const { code } of codes) expect(code).toMatch(BLANK_CODE_PATTERN);
  }, 120_000);
});

describe.skipIf(!hasTools || ENGINE !== 'sqlite')('eql labels', () => {
  it('writes the PDF of a county and of listed tags', async () => {
    const { l } = await city();
    // eql opens the ledger file itself, as it would on a bureau's machine with the desktop app closed.
    l.ledger.db.$client.close();
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'eql.mjs');
    const out = join(l.dir, '标签.pdf');
    const eql = (...args: string[]) => spawnSync(process.execPath, [bin, ...args, '--db', l.file, '--user', 'mgrK11'], { encoding: 'utf8' });
    const r = eql('labels', '--agency', 'K11', '--layout', 'a4-2x5', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(pages(out)).toBe(3);
    const tagged = eql('labels', '--tags', 'K11-001,K11-002', '--layout', '50x30', '--blank', '2', '--out', out);
    expect(tagged.status).toBe(0);
    expect(pages(out)).toBe(4);
    const other = eql('labels', '--tags', 'K12-CAR', '--out', out);
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('您管辖范围内没有这些装备编号:K12-CAR');
  }, 120_000);
});

/** Each word pdftotext finds on a page, with its box in points. */
function words(pdf: string): { page: number; text: string; xMin: number; yMin: number; xMax: number; yMax: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', pdf, '-']).toString();
  return html.split('<page ').slice(1).flatMap((page, i) => Array.from(page.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g), (w) => ({
    page: i, text: w[5], xMin: +w[1], yMin: +w[2], xMax: +w[3], yMax: +w[4],
  })));
}

const LABEL_FONT = readFileSync(createRequire(import.meta.url).resolve('node-source-han-sans-sc/SourceHanSansSC-Regular.otf'));

// Drawn without the ledger, so once on the embedded engine's run is enough.
describe.skipIf(!hasTools || ENGINE !== 'sqlite')('label text', () => {
  it.each(LABEL_LAYOUTS)('on %s, tags and names too long for a label shrink, wrap or end in "…" inside it, beside a code still read back', async (layout) => {
    const labels: LabelData[] = [
      { code: 'K11-001', tag: 'K11-001', itemName: '执法记录仪', agencyName: '杭州市生态环境局西湖分局' },
      { code: 'K11-002', tag: `K11-${'W'.repeat(60)}`, itemName: '便携式挥发性有机物快速检测仪(含配套采样泵、备用电池组及校准气瓶)', agencyName: '杭州市生态环境局西湖分局第一生态环境保护综合行政执法队直属机动中队' },
      { code: 'K11-003', tag: 'K11-003', itemName: '无人机\n(多旋翼)', agencyName: '杭州市生态环境局\t西湖分局', blank: true },
    ];
    const dir = mkdtempSync('/tmp/eql-label-text-');
    const pdf = join(dir, 'labels.pdf');
    writeFileSync(pdf, await labelSheetPdf({ labels, layout, font: LABEL_FONT }));
    expect(decodedLabels(pdf, layout, 3)).toEqual(['K11-001', 'K11-002', 'K11-003']);

    const sheet = labelSheet(layout);
    const pt = (mm: number) => (mm * 72) / 25.4;
    const perPage = sheet.columns * sheet.rows;
    const found = words(pdf);
    for (const [i, label] of labels.entries()) {
      const slot = i % perPage;
      const left = pt(sheet.margins.left + (slot % sheet.columns) * (sheet.labelWidth + sheet.margins.columnGap));
      const top = pt(sheet.margins.top + Math.floor(slot / sheet.columns) * (sheet.labelHeight + sheet.margins.rowGap));
      const inside = found.filter((w) => w.page === Math.floor(i / perPage) && w.xMin >= left && w.xMin < left + pt(sheet.labelWidth) && w.yMin >= top && w.yMin < top + pt(sheet.labelHeight));
      expect(inside.length, `label ${i + 1}`).toBeGreaterThan(0);
      for (const w of inside) {
        expect(w.xMax, `${w.text} on label ${i + 1}`).toBeLessThanOrEqual(left + pt(sheet.labelWidth) - pt(1));
        expect(w.yMax, `${w.text} on label ${i + 1}`).toBeLessThanOrEqual(top + pt(sheet.labelHeight));
      }
      const text = inside.map((w) => w.text).join('');
      if (i === 0) for (const part of [label.tag, label.itemName, label.agencyName]) expect(text).toContain(part);
      if (i === 1) {
        expect(text).toContain('…');
        expect(text).toContain('杭州市生态环境局西湖分局');
      }
      if (i === 2) {
        // A line break in a name prints as a space between its words, not as a missing glyph's box a full em wide.
        const [before, after] = [inside.find((w) => w.text === '无人机')!, inside.find((w) => w.text === '(多旋翼)')!];
        expect(after.yMin).toBe(before.yMin);
        expect(after.xMin - before.xMax).toBeLessThan((before.yMax - before.yMin) / 3);
      }
    }
  }, 60_000);
});
