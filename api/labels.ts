import { z } from 'zod';
import type { FileOut } from '../lib/domain/files';
import { LABEL_LAYOUTS } from '../lib/domain/labels';
import { op, none } from './op';

export { LABEL_LAYOUTS, type LabelLayout } from '../lib/domain/labels';

const mm = (name: string) => z.number({ error: `${name}应为毫米数` }).min(0, `${name}不能为负`).max(300, `${name}不能超过 300 毫米`);

/**
 * Labels (资产标签): a vector PDF of QR labels for assets, and blank ones linked at their first scan.
 * `labels/pdf` is not queued with the writes: drawing 5,000 labels takes seconds, and other changes need not wait
 * for it. Reserving blank labels is still one audited write transaction of its own (checked for 'edit' inside).
 */
export const labelOps = {
  'labels/pdf': op(z.object({
    tags: z.array(z.string().trim().min(1, '装备编号不能为空').max(100, '装备编号不能超过 100 个字符')).min(1, '请至少选择一件装备').max(5000, '一次最多打印 5000 个标签').optional(),
    agency: z.string().trim().min(1).max(50).optional(),
    layout: z.enum(LABEL_LAYOUTS, { error: '标签版式应为 a4-3x8、a4-2x5 或 50x30' }).default('a4-3x8'),
    margins: z.object({ top: mm('上边距').optional(), left: mm('左边距').optional(), columnGap: mm('列间距').optional(), rowGap: mm('行间距').optional() }).optional(),
    blank: z.number({ error: '空白标签数量应为整数' }).int('空白标签数量应为整数').min(0, '空白标签数量不能为负').max(1000, '一次最多预留 1000 个空白标签').optional(),
  }).refine((v) => !(v.tags && v.agency), { message: '请选择装备或机构,二者不能同时指定', path: ['tags'] }), 'read').returns<FileOut>(),
  'labels/link': op(z.object({
    code: z.string().trim().min(1, '请填写空白标签编码').max(100),
    tag: z.string().trim().min(1, '请填写装备编号').max(100),
  }), 'edit', true).returns<{ code: string; tag: string }>(),
  'labels/settings': op(none, 'read').returns<{ serverAddress: string | null }>(),
  'labels/saveServerAddress': op(z.object({
    serverAddress: z.string().trim().max(200, '服务器地址不能超过 200 个字符')
      .regex(/^(https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)?\/?$/, '服务器地址应形如 https://zfzb.example.gov.cn 或 https://10.1.2.3:8443(不含路径)').nullable(),
  }), 'admin', true).returns<{ serverAddress: string | null }>(),
} as const;
