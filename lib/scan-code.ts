/**
 * What a scanner, a camera or a typing hand sent, as the code a label carries: trimmed, NFKC-folded (full-width
 * letters from a Chinese input method), without control characters (a scanner's prefix or suffix), and a label's
 * address `https://SERVER/a/TAG` read as its TAG.
 */
export function normaliseScanCode(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const text = raw.normalize('NFKC').replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g, '').trim();
  const address = /^https?:\/\/[^/\s]+\/a\/([^?#\s]+?)\/?(?:[?#].*)?$/i.exec(text);
  if (!address) return text;
  try {
    return decodeURIComponent(address[1]).normalize('NFKC').trim();
  } catch {
    return address[1];
  }
}
