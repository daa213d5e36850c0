/** Money is stored as integer fen (分) and shown as yuan. */
export type Fen = number;

export function yuanToFen(yuan: number): Fen {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: Fen): number {
  return fen / 100;
}

export function formatYuan(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}
