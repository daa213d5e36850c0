import { fenToYuan } from '../../lib/money';
import type { OutValue } from '../write';

export const date = (s: string | null): OutValue => (s ? { date: s } : null);
export const yuan = (fen: number | null): OutValue => (fen === null ? null : fenToYuan(fen));
