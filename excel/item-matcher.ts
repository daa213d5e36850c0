import type { CatalogItem } from '../quotas/types';
import { normalizeText } from './cells';

/** A name as matched: no spaces, full-width folded, lower case. */
export const nameKey = (s: string) => normalizeText(s).replace(/\s+/g, '').toLowerCase();

export interface Candidate {
  code: string;
  name: string;
  score: number;
  /** The name is the item's own name or one of its aliases (brackets aside), and no other item's: safe to take without asking. */
  exact: boolean;
}

const baseName = (s: string) => s.replace(/\([^)]*\)|（[^）]*）/g, '');

function bigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.length - 1; i++) out.add(s.slice(i, i + 2));
  return out;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const x of a) if (b.has(x)) common++;
  return (2 * common) / (a.size + b.size);
}

/** The parts a catalog name lists in brackets: 移动执法包(笔记本电脑含4G/5G上网卡、便携打印机…等) → 笔记本电脑, 4G/5G上网卡, 便携打印机 …. */
const bracketParts = (s: string) =>
  [...s.matchAll(/\(([^)]*)\)|（([^）]*)）/g)].flatMap((m) => (m[1] ?? m[2]).split(/[、,，;；含]/)).map((p) => nameKey(p.replace(/等$/, ''))).filter((p) => p.length >= 2);

/**
 * Ranks catalog items for a name a ledger uses: by its names and aliases, whole, contained, then by shared
 * character pairs. Only a whole name or alias is `exact`; everything else is a likeness for the user to confirm.
 */
export function makeItemMatcher(catalog: readonly CatalogItem[]): (name: string) => Candidate[] {
  const words = catalog.map((item) => {
    const own = [item.name, ...(item.aliases ?? [])].map(nameKey).filter((w) => w.length > 0);
    const base = nameKey(baseName(item.name));
    return { item, own: new Set(own), base, parts: bracketParts(item.name), words: [...new Set([...own, base])].filter((w) => w.length > 0) };
  });
  // A name without its brackets is the item's only when no other item's name or alias holds it: 无人机 is also 小型无人机.
  const sharedBase = new Set(words.filter((w) => words.some((o) => o !== w && o.words.some((x) => x.includes(w.base)))).map((w) => w.base));
  const grams = new Map(words.flatMap((w) => w.words).map((w) => [w, bigrams(w)]));
  const against = (key: string, w: string) => {
    if (w === key) return 1;
    if (w.length >= 2 && key.includes(w)) return 0.8 + 0.15 * (w.length / key.length);
    if (key.length >= 2 && w.includes(key)) return 0.75 + 0.1 * (key.length / w.length);
    return 0.75 * dice(bigrams(key), grams.get(w)!);
  };
  return (name) => {
    // The name whole, and without what it adds in brackets: 执法执勤车(越野) is an 执法执勤车.
    const keys = [...new Set([nameKey(name), nameKey(baseName(name))])].filter((k) => k.length > 0);
    if (!keys.length) return [];
    const scored = words.map(({ item, own, base, parts, words: ws }) => {
      const exact = keys.some((k) => own.has(k) || (k === base && !sharedBase.has(base)));
      let score = exact ? 1 : 0;
      for (const key of keys) {
        for (const w of ws) score = Math.max(score, w === key ? 0.95 : against(key, w));
        // Named among the parts an item lists (a laptop of the mobile enforcement kit): close, but the user decides.
        if (parts.includes(key)) score = Math.max(score, 0.9);
      }
      return { code: item.code, name: item.name, score: Math.round(score * 100) / 100, exact };
    });
    return scored.filter((c) => c.score >= 0.3).sort((a, b) => b.score - a.score || a.code.localeCompare(b.code)).slice(0, 5);
  };
}

/** A match sure enough to take without asking: the item's own name or alias, and no other item's. Likeness never is. */
export function confident(candidates: Candidate[]): string | null {
  const [first, second] = candidates;
  return first?.exact && !second?.exact ? first.code : null;
}
