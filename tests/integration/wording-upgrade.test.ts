import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../../db/open';
import { ledgerBefore } from '../fixtures/earlier-release';

/**
 * Data a ledger file made by an earlier release holds, fixed by the file's own migrations (the provincial database
 * began after these fixes, or gets them in its own chain: tests/integration/wording.test.ts reads both engines).
 */
describe('a ledger file upgraded from an earlier release', () => {
  it('an existing ledger whose rules were copied with the seed number loses it on upgrade, and a note the user wrote stays', () => {
    const file = ledgerBefore('0010_terms_wording', (old) => {
      const item = old.$client.prepare(`insert into catalog_items (code, category, name, unit, kind, needs_calibration, aliases) values (?, '交通工具', ?, '辆', 'basic', 0, '[]')`);
      const terms = old.$client.prepare(`insert into item_terms (item_code, unit_price_fen, life_note, updated_by, updated_at) values (?, 100, ?, 'system', '2026-01-01T00:00:00Z')`);
      item.run('S01', '执法执勤专用车(含设备)');
      item.run('S02', '移动执法包');
      terms.run('S01', '吉林省调研(seed 000):使用超过 8 年或行驶超过 20 万公里需更新');
      terms.run('S02', '本局自定:6 年');
    });
    const { db } = openDatabase(file);
    onTestFinished(() => void db.$client.close());
    const note = (code: string) => db.$client.prepare('select life_note from item_terms where item_code = ?').pluck().get(code);
    expect(note('S01')).toBe('吉林省调研:使用超过 8 年或行驶超过 20 万公里需更新');
    expect(note('S02')).toBe('本局自定:6 年');
  });

  it('the shipped editions’ 「≥1/机构」 quotas are marked as minimums on upgrade; an edition a province imported keeps what it said', () => {
    const file = ledgerBefore('0016_service_contracts', (old) => {
      old.$client.prepare(`insert into catalog_items (code, category, name, unit, kind, needs_calibration, aliases) values ('S09', '现场执法辅助设备', '无人机(载荷大于4kg)', '架', 'basic', 0, '[]')`).run();
      const set = old.$client.prepare(`insert into rule_sets (id, name, source) values (?, ?, '表1')`);
      const rule = old.$client.prepare(`insert into quota_rules (rule_set_id, item_code, level, basis, quantity, per) values (?, 'S09', 'county', 'per_agency', 1, 1)`);
      for (const id of ['national-2020', 'zhejiang-2022', 'province-2025']) (set.run(id, id), rule.run(id));
    });
    const { db } = openDatabase(file);
    onTestFinished(() => void db.$client.close());
    const flags = db.$client.prepare(`select rule_set_id as id, at_least as atLeast, optional, service from quota_rules where item_code = 'S09' and level = 'county' order by rule_set_id`).all();
    expect(flags).toEqual([
      { id: 'national-2020', atLeast: 1, optional: 0, service: 0 },
      { id: 'province-2025', atLeast: 0, optional: 0, service: 0 },
      { id: 'zhejiang-2022', atLeast: 1, optional: 0, service: 0 },
    ]);
  });
});
