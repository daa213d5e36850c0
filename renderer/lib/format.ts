import { fenToYuan } from '../../lib/money';

export const yuan = (fen: number | null | undefined): string =>
  fen === null || fen === undefined ? '' : fenToYuan(fen).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const integer = (n: number | null | undefined): string => (n === null || n === undefined ? '' : n.toLocaleString('zh-CN'));
