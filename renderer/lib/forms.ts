import type { FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../../api/client';
import { isIsoDate } from '../../lib/dates';
import { fenToYuan, yuanToFen } from '../../lib/money';
import type { Problem } from '../../lib/problems';
import type { T } from '../i18n';

/**
 * Form.Item props that keep an ISO date string in the form while a DateInput shows it. Text typed
 * that is no date stays in the form as that text, for `validDate` to refuse.
 */
export const isoDateField = {
  getValueProps: (v: string | null | undefined) => ({ value: v && isIsoDate(v) ? dayjs(v) : null }),
  normalize: (d: Dayjs | string | null) => (typeof d === 'string' ? d : d ? d.format('YYYY-MM-DD') : null),
};

/** A label without its unit, for messages: 费用(元) → 费用. */
const bare = (label: string) => label.replace(/\s*[((].*$/, '');

/** Refuses a date field's text that is no date (2019-13-45), naming the field, as the server does. */
export function validDate(t: T, label: string) {
  return {
    validator: (_: unknown, v: unknown) =>
      typeof v !== 'string' || isIsoDate(v)
        ? Promise.resolve()
        : Promise.reject(new Error(/^\d{4}-\d{2}-\d{2}$/.test(v) ? t('form.badDate', { label: bare(label), text: v }) : t('form.dateShape', { label: bare(label), text: v }))),
  };
}

export const outOfRange = (v: unknown, min: number, max?: number) => typeof v === 'number' && (v < min || (max !== undefined && v > max));

/** What a number outside [min, max] is told, naming the field. */
export function rangeMessage(t: T, label: string, min: number, max?: number): string {
  if (max !== undefined) return t('form.range', { label: bare(label), min, max });
  return min === 0 ? t('form.negative', { label: bare(label) }) : t('form.atLeast', { label: bare(label), min });
}

/**
 * Refuses a number below `min` (or above `max`) with a message naming the field, as the server
 * does. InputNumber's own min and max would clamp what was typed without a word.
 */
export function inRange(t: T, label: string, min: number, max?: number) {
  return {
    validator: (_: unknown, v: unknown) => (outOfRange(v, min, max) ? Promise.reject(new Error(rangeMessage(t, label, min, max))) : Promise.resolve()),
  };
}

/** Refuses a negative number with a message naming the field; the input is never clamped to 0. */
export const notNegative = (t: T, label: string) => inRange(t, label, 0);

/** Form.Item props that keep integer fen in the form while the user types yuan. */
export const fenField = {
  getValueProps: (v: number | null | undefined) => ({ value: v === null || v === undefined ? null : fenToYuan(v) }),
  normalize: (y: number | null) => (y === null || y === undefined ? null : yuanToFen(y)),
};

/** Empty strings from inputs become null, as the api expects for a blank field. */
export function blanksToNull<T extends object>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '' || v === undefined ? null : v])) as T;
}

/**
 * Shows the backend's problems next to the fields they name; returns those that name no field of
 * the form. The form keeps what the user typed.
 */
export function showProblems(form: FormInstance, error: unknown): Problem[] {
  const problems = error instanceof ApiError ? error.problems : [{ message: (error as Error).message }];
  const names = new Set(Object.keys(form.getFieldsValue(true)));
  const rest: Problem[] = [];
  const byField = new Map<string, string[]>();
  for (const p of problems) {
    const field = p.field?.replace(/^fields\./, '');
    if (field && names.has(field)) byField.set(field, [...(byField.get(field) ?? []), p.message]);
    else rest.push(p);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return rest;
}
