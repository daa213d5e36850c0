import type { FormInstance } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../../api/client';
import { fenToYuan, yuanToFen } from '../../lib/money';
import type { Problem } from '../../lib/problems';

/** Form.Item props that keep an ISO date string in the form while a DatePicker shows it. */
export const isoDateField = {
  getValueProps: (v: string | null | undefined) => ({ value: v ? dayjs(v) : null }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null),
};

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
