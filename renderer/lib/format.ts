import { formatYuan } from '../../lib/money';

export const yuan = (fen: number | null | undefined): string => (fen === null || fen === undefined ? '' : formatYuan(fen));

export const integer = (n: number | null | undefined): string => (n === null || n === undefined ? '' : n.toLocaleString('zh-CN'));

/** An agency's name without the long common suffix, where a column is narrow: 示范省青川市生态环境保护综合行政执法支队 → 示范省青川市. */
export const shortAgency = (name: string): string => name.replace(/生态环境(保护)?综合行政执法(总队|支队|大队)$/, '') || name;

/** A catalog item's name without what its brackets list, where a header or a chip is narrow: 个人防护包(强光手电、…) → 个人防护包. */
export const shortItem = (name: string): string => name.replace(/\([^)]*\)|（[^）]*）/g, '') || name;
