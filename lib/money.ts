/** Money is stored as integer fen (分) and shown as yuan. */
export type Fen = number;

export function yuanToFen(yuan: number): Fen {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: Fen): number {
  return fen / 100;
}

/** Fen as yuan for people: thousands separators, two decimals (250,000.00). */
export function formatYuan(fen: Fen): string {
  return fenToYuan(fen).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
