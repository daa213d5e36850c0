import { z } from 'zod';
import { isIsoDate } from '../dates';

/**
 * A date field named `label` in its messages: YYYY-MM-DD and a day that exists (2019-13-45 is refused,
 * never dropped). The refinement is invisible to JSON Schema, so the OpenAPI document is told the format.
 */
export function dateOf(label: string) {
  return z.string().refine(isIsoDate, {
    error: (iss) => (/^\d{4}-\d{2}-\d{2}$/.test(String(iss.input)) ? `${label}「${String(iss.input)}」不是存在的日期` : `${label}应为 YYYY-MM-DD 格式的日期`),
  }).meta({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
}
export const isoDate = dateOf('日期');
/** Whole units or money in fen, never below zero; the messages name the field. */
export const countOf = (label: string, max: number) => z.number({ error: `${label}应为数字` }).int(`${label}应为整数`).min(0, `${label}不能为负数`).max(max, `${label}超出合理范围`);
export const fenOf = (label: string, max: number) => z.number({ error: `${label}应为数字` }).int(`${label}精确到分`).min(0, `${label}不能为负数`).max(max, `${label}超出合理范围`);
export const code = z.string().trim().min(1).max(50);
/** A catalog item's code: the standard's own (S01–S28, O01–O28) or one an edition added (a letter, then letters, digits or -). */
export const ITEM_CODE = /^[A-Z][A-Z0-9-]{1,11}$/;
export const itemCode = z.string().trim().toUpperCase().regex(ITEM_CODE, '装备代码应为装备目录中的品目代码(如 S01、O28)');
export const latitude = z.number().min(-90, '纬度应在 -90 至 90 之间').max(90, '纬度应在 -90 至 90 之间');
export const longitude = z.number().min(-180, '经度应在 -180 至 180 之间').max(180, '经度应在 -180 至 180 之间');
