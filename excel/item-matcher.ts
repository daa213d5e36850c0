import type { CatalogItem } from '../quotas/types';
import { normalizeText } from './cells';
import { ASK_WORDS, BRANDS, INSTRUMENT_WORDS, OPTIONAL_IN_CATALOG, QUALIFIERS, SURE_WORDS } from './item-words';

/** A name as matched: no spaces, full-width folded, lower case. */
export const nameKey = (s: string) => normalizeText(s).replace(/\s+/g, '').toLowerCase();

export interface Candidate {
  code: string;
  name: string;
  score: number;
  /** Safe to take without asking: the name is this item's (its name, an alias or a word for it, with qualifiers at most), and no other item's. */
  exact: boolean;
}

/** Ranks catalog items for a ledger's item name; `hint` is the ledger's class column beside it (资产分类), if any. */
export type ItemMatcher = (name: string, hint?: string | null) => Candidate[];

/** What a name settles: one item, or several (or a part of one) for the user to choose from. */
type Decision = { sure: true; code: string } | { sure: false; codes: string[] };

interface Entry {
  word: string;
  codes: string[];
  sure: boolean;
  /** Where an optional catalog qualifier starts in `word`, with its lengths: 便携 in 便携油烟检测仪. */
  optional: number[][];
  /** The characters a name must hold to be this word: those outside its optional qualifiers. */
  required: string[];
  ascii: boolean;
}

const BRACKETS = /\(([^)]*)\)|（([^）]*)）|【([^】]*)】|\[([^\]]*)\]|〔([^〕]*)〕|<([^>]*)>/g;
const baseName = (s: string) => s.replace(BRACKETS, '');
const bracketText = (s: string) => [...s.matchAll(BRACKETS)].map((m) => m.slice(1).find((x) => x !== undefined) ?? '').join('');

/** The spellings ledgers use for one thing, folded to one: 测定仪/分析仪/监测设备 → 检测仪, 手持式 → 便携, 红外热像 → 热成像, 风速计 → 风速仪. */
function canonical(s: string): string {
  return s
    .replace(/手持式|手持|便携式|便携型|手提式|便携/g, '便携')
    .replace(/红外热成像|红外热像|热像/g, '热成像')
    .replace(/(监测|检测|测定|测量|测试|分析|检验|检定|探测)(仪器|仪|器|计|设备|装置)/g, '检测仪')
    .replace(/仪器/g, '仪')
    .replace(/电话机/g, '电话')
    .replace(/计$/, '仪');
}

/** Letters, digits and Han only: 4G/5G → 4g5g, 执法 记录仪 → 执法记录仪. */
const lettersOnly = (s: string) => s.replace(/[^\p{Script=Han}a-z0-9α-ω]/gu, '');
const TOKEN = /[a-z0-9α-ω]+/g;
const UNITS = /\d+(?:[.\-~]\d+)*(?:米|公里|公斤|千克|克|英寸|寸|万像素|像素|座|位|升|倍|毫米|厘米)/g;

/** Longer names than this are not taken apart (the longest catalog name has 48, brackets included). */
const MAX_NAME_CHARS = 64;

const BRAND_WORDS = BRANDS.flatMap((b) => b.words.map((w) => ({ word: w, implies: b.implies }))).sort((a, b) => b.word.length - a.word.length);

/** Catalog words in the matcher's form. */
const wordForm = (s: string) => canonical(lettersOnly(nameKey(s)));

/** The parts a catalog name lists in brackets: 移动执法包(笔记本电脑含4G/5G上网卡、便携打印机…等) → 笔记本电脑, 4G/5G上网卡, 便携打印机 …. */
const bracketParts = (s: string) =>
  [...s.matchAll(/\(([^)]*)\)|（([^）]*)）/g)].flatMap((m) => (m[1] ?? m[2]).split(/[、,，;；含]/)).map((p) => wordForm(p.replace(/等$/, ''))).filter((p) => p.length >= 3);

/** Where each of `words` starts in `s`: for every position, the lengths of the words found there. */
function startsAt(s: string, words: readonly string[]): number[][] {
  const out: number[][] = Array.from({ length: s.length + 1 }, () => []);
  for (const w of words) for (let i = s.indexOf(w); i >= 0; i = s.indexOf(w, i + 1)) out[i].push(w.length);
  return out;
}

/**
 * Whether `name` is `entry` with qualifiers added anywhere and optional catalog qualifiers left out; the least
 * count of characters left out, or -1. 水质多参数检测仪 is 水质检测仪; 油烟浓度检测仪 is 便携油烟检测仪.
 */
function fits(name: string, added: number[][], entry: Entry, typoUnless: ReadonlySet<string> | null): number {
  const w = entry.word;
  const memo = new Map<number, number>();
  const go = (i: number, j: number, typo: boolean): number => {
    if (i === name.length && j === w.length) return 0;
    const key = (i * (w.length + 1) + j) * 2 + (typo ? 1 : 0);
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let best = -1;
    const take = (r: number, cost: number) => {
      if (r >= 0 && (best < 0 || r + cost < best)) best = r + cost;
    };
    if (i < name.length && j < w.length && name[i] === w[j]) take(go(i + 1, j + 1, typo), 0);
    // A character no catalog word uses, where the word has another, is a slip of the keyboard; one the catalog uses makes another word (测烟 is not 测距).
    if (typo && i < name.length && j < w.length && !typoUnless!.has(name[i])) take(go(i + 1, j + 1, false), 0);
    if (i < name.length) for (const len of added[i]) take(go(i + len, j, typo), 0);
    if (j < w.length) for (const len of entry.optional[j]) take(go(i, j + len, typo), len);
    memo.set(key, best);
    return best;
  };
  return go(0, 0, typoUnless !== null);
}

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

/** How much a name resembles a word: whole, contained, containing, then shared character pairs. */
function likeness(key: string, keyGrams: Set<string>, w: string, wGrams: Set<string>): number {
  if (w === key) return 0.95;
  if (w.length >= 2 && key.includes(w)) return 0.8 + 0.15 * (w.length / key.length);
  if (key.length >= 2 && w.includes(key)) return 0.75 + 0.1 * (key.length / w.length);
  return 0.75 * dice(keyGrams, wGrams);
}

/**
 * Ranks catalog items for a name a ledger uses. Taken without asking (`exact`) only when the name, brands and
 * model codes aside, is an item's own name or alias, one of the matcher's words for it (item-words.ts), or one
 * of these with qualifiers around it (激光测距仪, 水质采样器) or one character mistyped (执法纪录仪) — and no other
 * item's. Words that fit several items (无人机), or a part of one (笔记本电脑 in the kit S02), put those items
 * first for the user to choose; a class `hint` settles such a choice when it names one of them, and otherwise
 * only puts its items forward. Everything else is a likeness for the user to confirm.
 */
export function makeItemMatcher(catalog: readonly CatalogItem[]): ItemMatcher {
  const present = new Set(catalog.map((i) => i.code));
  const names = new Map(catalog.map((i) => [i.code, i.name]));

  // The catalog's own names and aliases, exactly as written: the ledger's word comes before all else.
  const own = new Map<string, Set<string>>();
  for (const item of catalog) {
    for (const w of [item.name, ...(item.aliases ?? [])].map(nameKey).filter((w) => w.length > 0)) own.set(w, (own.get(w) ?? new Set()).add(item.code));
  }

  // Words by rising precedence: bracket parts, the matcher's words, catalog names without brackets, catalog names and aliases.
  const words = new Map<string, Entry>();
  const layer = (pairs: [string, string[], boolean][]) => {
    const here = new Map<string, { codes: Set<string>; sure: boolean }>();
    for (const [word, codes, sure] of pairs) {
      const kept = codes.filter((c) => present.has(c));
      if (!word || !kept.length) continue;
      const had = here.get(word);
      if (had) {
        for (const c of kept) had.codes.add(c);
        had.sure = had.sure && sure && had.codes.size === 1;
      } else here.set(word, { codes: new Set(kept), sure: sure && kept.length === 1 });
    }
    for (const [word, { codes, sure }] of here) {
      const optional = startsAt(word, OPTIONAL_IN_CATALOG);
      const covered = new Set(optional.flatMap((lens, i) => lens.flatMap((len) => Array.from({ length: len }, (_, k) => i + k))));
      const required = [...new Set([...word].filter((_, i) => !covered.has(i)))];
      words.set(word, { word, codes: [...codes], sure: sure && codes.size === 1, optional, required, ascii: /^[a-z0-9α-ω]+$/.test(word) });
    }
  };
  layer(catalog.flatMap((i) => bracketParts(i.name).map((p): [string, string[], boolean] => [p, [i.code], false])));
  layer([
    ...ASK_WORDS.flatMap((a) => a.words.map((w): [string, string[], boolean] => [wordForm(w), [...a.codes], false])),
    ...Object.entries(SURE_WORDS).flatMap(([code, ws]) => ws.map((w): [string, string[], boolean] => [wordForm(w), [code], true])),
  ]);
  const fullWords = catalog.map((i) => ({ code: i.code, words: [i.name, ...(i.aliases ?? [])].map(wordForm) }));
  // A name without its brackets is the item's only when no other item's name or alias holds it: 无人机 is also 小型无人机.
  layer(catalog.filter((i) => baseName(i.name) !== i.name).map((i): [string, string[], boolean] => {
    const base = wordForm(baseName(i.name));
    const others = fullWords.filter((o) => o.code !== i.code && o.words.some((w) => w.includes(base))).map((o) => o.code);
    return [base, [i.code, ...others], others.length === 0];
  }));
  layer(fullWords.flatMap((o) => o.words.map((w): [string, string[], boolean] => [w, [o.code], true])));
  // One character names nothing (a ledger's 表 or 机 is no item's).
  const entries = [...words.values()].filter((e) => e.word.length >= 2 || e.ascii);
  const byWord = new Map(entries.map((e) => [e.word, e]));
  const grams = new Map(entries.map((e) => [e.word, bigrams(e.word)]));
  const catalogChars = new Set([...entries.map((e) => e.word), ...QUALIFIERS].flatMap((w) => [...w]));
  const catalogBigrams = new Set(entries.flatMap((e) => [...bigrams(e.word)]));
  // Letter-and-digit runs that are words of the catalog (PID, 4G, X射线); every other run is a model code.
  const vocabulary = new Set([...entries.map((e) => e.word), ...QUALIFIERS].flatMap((w) => w.match(TOKEN) ?? []));

  /** The name as matched: brands, units and model codes out, spellings folded; what a brand alone suggests. */
  function clean(text: string): { key: string; implies: string | null } {
    let s = text;
    let implies: string | null = null;
    for (const b of BRAND_WORDS) {
      if (s.includes(b.word)) {
        s = s.split(b.word).join(' ');
        implies ??= b.implies ?? null;
      }
    }
    // A run the catalog does not know may still hold one it does: ppbRAE3000PID is a PID.
    const known = (t: string) => (vocabulary.has(t) ? t : (t.match(/[a-z]+|[0-9]+|[α-ω]+/g) ?? []).filter((p) => vocabulary.has(p)).join('') || ' ');
    s = s.replace(UNITS, ' ').replace(TOKEN, known);
    return { key: canonical(lettersOnly(s)), implies };
  }

  function decide(key: string): Decision | null {
    if (!key) return null;
    const exact = byWord.get(key);
    if (exact) return exact.sure ? { sure: true, code: exact.codes[0] } : { sure: false, codes: exact.codes };
    // An item's name is short; a paragraph in the name column is only compared, never read word by word (which grows with its square).
    if (key.length > MAX_NAME_CHARS) return null;
    // One character mistyped (执法纪录仪, 气体检侧仪 4G) is tried after the name as written, on long words only.
    return decideWhole(key, 1, false) ?? decideWhole(key, 5, true) ?? decideByHead(key);
  }

  /** The longest word the name is made of, qualifiers aside, matching at least `least` of its characters. */
  function decideWhole(key: string, least: number, typo: boolean): Decision | null {
    const added = startsAt(key, QUALIFIERS);
    const addedAfterAbbreviation = startsAt(key, [...QUALIFIERS, ...INSTRUMENT_WORDS]);
    // Counting what each word matched; fewer left-out qualifiers break a tie.
    let best: { matched: number; skipped: number; found: Entry[] } | null = null;
    const has = new Set(key);
    for (const e of entries) {
      if (typo && !e.sure) continue;
      // Most words lack a character of the name's: skip them before the full fit (a mistyped name may lack one).
      if (e.required.filter((ch) => !has.has(ch)).length > (typo ? 1 : 0)) continue;
      const skipped = fits(key, e.ascii ? addedAfterAbbreviation : added, e, typo ? catalogChars : null);
      if (skipped < 0) continue;
      const matched = e.word.length - skipped;
      if (matched < least) continue;
      if (!best || matched > best.matched || (matched === best.matched && skipped < best.skipped)) best = { matched, skipped, found: [e] };
      else if (matched === best.matched && skipped === best.skipped) best.found.push(e);
    }
    if (!best) return null;
    const codes = [...new Set(best.found.flatMap((e) => e.codes))];
    // A word for one item beside a word that may be it or another: 水质快速检测仪 is a 水质检测仪 (S19), which 快速检测仪 allows.
    const sure = [...new Set(best.found.filter((e) => e.sure).map((e) => e.codes[0]))];
    if (sure.length === 1 && best.found.every((e) => e.codes.includes(sure[0]))) return { sure: true, code: sure[0] };
    return { sure: false, codes };
  }

  /**
   * A name is what its last word names (Chinese compounds put the head last): 警用执法记录仪 is an 执法记录仪,
   * 执法记录仪充电器 is not. The words before must be unknown to the catalog (车载执法终端 is not an 执法终端) or name the
   * same item (PID光离子化检测仪), and the last word long enough to name the item alone (行车记录仪 is not a 记录仪).
   */
  function decideByHead(key: string): Decision | null {
    const letter = /[a-z0-9α-ω]/;
    for (let start = 1; start <= key.length - 4; start++) {
      if (letter.test(key[start - 1]) && letter.test(key[start])) continue;
      const prefix = key.slice(0, start);
      const tail = decideWhole(key.slice(start), 4, false);
      const hanPairs = [...bigrams(prefix)].filter((g) => !letter.test(g));
      if (hanPairs.some((g) => catalogBigrams.has(g)) || (prefix.match(TOKEN) ?? []).some((t) => vocabulary.has(t))) {
        const before = decideWhole(prefix, 1, false);
        return before?.sure && tail?.sure && before.code === tail.code ? tail : null;
      }
      if (tail) return tail;
    }
    return null;
  }

  /** What the name settles, and the key it was read as: its own catalog name first, then its words, with what its brackets add. */
  function read(text: string): { decision: Decision | null; key: string; implies: string | null } {
    const raw = nameKey(text);
    const mine = own.get(raw) ?? own.get(nameKey(baseName(text)));
    const base = clean(baseName(raw));
    if (mine) return { decision: mine.size === 1 ? { sure: true, code: [...mine][0] } : { sure: false, codes: [...mine] }, key: base.key, implies: base.implies };
    const decision = decide(base.key);
    // What the brackets say may settle the name (对讲机(防爆)), never unsettle it (执法执勤车(比亚迪唐)).
    const extra = clean(bracketText(raw)).key;
    if (extra && !decision?.sure) {
      const lifted = decide(extra + base.key);
      if (lifted?.sure && (!decision || (!decision.sure && decision.codes.includes(lifted.code)))) return { decision: lifted, key: base.key, implies: base.implies };
    }
    return { decision, key: base.key, implies: base.implies };
  }

  function ranked(key: string, decision: Decision | null): Map<string, number> {
    const scores = new Map<string, number>();
    const raise = (code: string, s: number) => scores.set(code, Math.max(scores.get(code) ?? 0, s));
    if (key) {
      const keyGrams = bigrams(key);
      for (const e of entries) {
        const s = likeness(key, keyGrams, e.word, grams.get(e.word)!);
        for (const c of e.codes) raise(c, s);
      }
    }
    if (decision?.sure) raise(decision.code, 1);
    else if (decision) for (const c of decision.codes) raise(c, 0.95);
    return scores;
  }

  return (name, hint) => {
    const { decision, key, implies } = read(name);
    const scores = ranked(key, decision);
    let auto = decision?.sure ? decision.code : null;
    const classText = hint?.trim() ? hint : implies;
    if (classText) {
      const byClass = read(classText);
      // A class that names one of the items a name may be settles it: 无人机 in class 小型无人机 is O06.
      if (decision && !decision.sure && byClass.decision?.sure && decision.codes.includes(byClass.decision.code) && hint?.trim()) auto = byClass.decision.code;
      const weight = hint?.trim() ? 0.9 : 0.6;
      for (const [code, s] of ranked(byClass.key, byClass.decision)) {
        const had = scores.get(code) ?? 0;
        scores.set(code, Math.min(0.99, Math.max(had, weight * s) + (had >= 0.3 ? 0.05 : 0)));
      }
    }
    if (auto) scores.set(auto, 1);
    return [...scores]
      .map(([code, score]) => ({ code, name: names.get(code)!, score: Math.round(score * 100) / 100, exact: code === auto }))
      .filter((c) => c.score >= 0.3)
      .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
      .slice(0, 5);
  };
}

/** A match sure enough to take without asking: the item's own name or alias, and no other item's. Likeness never is. */
export function confident(candidates: Candidate[]): string | null {
  const [first, second] = candidates;
  return first?.exact && !second?.exact ? first.code : null;
}
