import { describe, expect, it } from 'vitest';
import { confident, makeItemMatcher, nameKey } from '../../excel/item-matcher';
import { ASK_WORDS, BRANDS, QUALIFIERS, SURE_WORDS } from '../../excel/item-words';
import { CATALOG } from '../../quotas/catalog';
import { HELD_OUT_NAMES, ITEM_NAMES, measureMatcher } from '../fixtures/item-names';

const match = makeItemMatcher(CATALOG);
const taken = (name: string, hint?: string) => confident(match(name, hint));
const shown = (name: string, hint?: string) => match(name, hint).map((c) => c.code);

describe('the item-name matcher, measured on the evaluation set', () => {
  it('takes without asking at least 90% of the names that are one item, and 99% of what it takes is right', () => {
    const f = measureMatcher(match);
    expect(f.cases).toBeGreaterThanOrEqual(300);
    expect(f.wrong).toEqual([]);
    expect(f.precision).toBeGreaterThanOrEqual(0.99);
    expect(f.recall).toBeGreaterThanOrEqual(0.9);
    expect(f.notShown).toEqual([]);
  });

  it('keeps its precision on held-out names that no word was added for', () => {
    const f = measureMatcher(match, HELD_OUT_NAMES);
    expect(f.wrong).toEqual([]);
    expect(f.recall).toBeGreaterThanOrEqual(0.8);
  });

  it('never takes a name that belongs to no item, nor one that only the user can settle', () => {
    const settledByUser = [...ITEM_NAMES, ...HELD_OUT_NAMES].filter((c) => !('code' in c));
    expect(settledByUser.filter((c) => taken(c.name, c.hint) !== null).map((c) => c.name)).toEqual([]);
    expect(settledByUser.filter((c) => 'none' in c).length).toBeGreaterThanOrEqual(80);
  });
});

describe('what the matcher guarantees', () => {
  it('asks about a drone, whatever its maker and model, and offers both drone items first', () => {
    for (const name of ['无人机', '大疆 M300 RTK 无人机', 'DJI Mavic 3 无人机', '执法无人机']) {
      expect(taken(name)).toBeNull();
      expect(shown(name).slice(0, 2).sort()).toEqual(['O06', 'S09']);
    }
    expect(taken('小型无人机')).toBe('O06');
    expect(taken('大疆 M600 Pro 大型无人机')).toBe('S09');
  });

  it('reads the item in brand-and-model strings', () => {
    expect(taken('海康 DSJ-A8 执法记录仪')).toBe('S04');
    expect(taken('别克GL8 执法车')).toBe('S01');
    expect(taken('哈希 HQ40d 便携式多参数水质分析仪')).toBe('S19');
    expect(taken('佳能 EOS 5D Mark IV 单反相机')).toBe('S10');
    expect(taken('华瑞 ppbRAE 3000 PID检测仪')).toBe('S16');
    // A laptop is part of the mobile enforcement kit, not a kit: shown first, never taken.
    expect(taken('联想 ThinkPad X1 笔记本电脑')).toBeNull();
    expect(shown('联想 ThinkPad X1 笔记本电脑')[0]).toBe('S02');
  });

  it('does not take an accessory, another kind of device or a consumable for the item it names', () => {
    for (const [name, near] of [['执法记录仪充电器', 'S04'], ['行车记录仪', 'S04'], ['打印机硒鼓', 'S23'], ['对讲机中继台', 'O27'], ['相机镜头', 'S10'], ['车载执法终端', 'S03']]) {
      expect(taken(name)).toBeNull();
      expect(shown(name)).toContain(near);
    }
  });

  it('forgives one mistyped character only when the catalog never uses it', () => {
    expect(taken('执法纪录仪')).toBe('S04');
    expect(taken('气体检侧仪')).toBe('S15');
    // 烟 and 高 are catalog characters: 测烟望远镜 (O15) is not a mistyped 测距望远镜 (S06), nor 高速扫描仪 a 快速扫描仪 (S26).
    expect(taken('测烟望远镜')).toBe('O15');
    expect(taken('高速扫描仪')).toBeNull();
  });

  it('lets a class column settle a choice the name leaves open, never take a name alone', () => {
    expect(taken('无人机', '小型无人机')).toBe('O06');
    expect(taken('无人机', '大型无人机')).toBe('S09');
    expect(taken('对讲机', '防爆对讲机')).toBe('O27');
    expect(taken('无人机', '无人机')).toBeNull();
    // A model code with a class: the class's items come first, for the user to confirm.
    expect(taken('M300 RTK', '无人机')).toBeNull();
    expect(shown('M300 RTK', '无人机').slice(0, 2).sort()).toEqual(['O06', 'S09']);
    expect(taken('DSJ-A8', '执法记录仪')).toBeNull();
    expect(shown('DSJ-A8', '执法记录仪')[0]).toBe('S04');
    // Nor does a class turn an accessory or a desk into the item.
    expect(taken('执法记录仪充电器', '执法记录仪')).toBeNull();
    expect(taken('办公桌', '执法记录仪')).toBeNull();
    // A loose class does not stop a clear name.
    expect(taken('执法记录仪', '照相机')).toBe('S04');
  });

  it('follows the ledger’s own catalog: its aliases first, and nothing of items it does not hold', () => {
    const local = CATALOG.map((i) => (i.code === 'O27' ? { ...i, aliases: [...i.aliases, '对讲机'] } : i));
    expect(confident(makeItemMatcher(local)('对讲机'))).toBe('O27');
    const without = makeItemMatcher(CATALOG.filter((i) => i.code !== 'O27'));
    expect(without('防爆对讲机').map((c) => c.code)).not.toContain('O27');
    expect(confident(without('防爆对讲机'))).toBeNull();
  });

  it('answers a hostile name column quickly: a 4,000-character cell of catalog characters', () => {
    // A qualifier over and over, then every catalog name: each word of the catalog could follow anywhere.
    const cell = ('超声波'.repeat(1000) + CATALOG.map((i) => i.name).join('')).slice(0, 4000);
    const t = performance.now();
    expect(taken(cell)).toBeNull();
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('strips no brand that is part of a catalog word or of the matcher’s own', () => {
    const words = [...CATALOG.flatMap((i) => [i.name, ...i.aliases]), ...Object.values(SURE_WORDS).flat(), ...ASK_WORDS.flatMap((a) => a.words), ...QUALIFIERS].map(nameKey);
    const inside = BRANDS.flatMap((b) => b.words).flatMap((brand) => words.filter((w) => w.includes(brand)).map((w) => `${brand} in ${w}`));
    expect(inside).toEqual([]);
  });
});
