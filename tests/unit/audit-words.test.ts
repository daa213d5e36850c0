import { describe, expect, it } from 'vitest';
import { changeLines, describeChange, entityLabel, mentionedPeople, personName } from '../../lib/changes';

const people = { mgr: '张装备', head: '李局长' };

describe('the audit log in words a bureau head reads', () => {
  it('a price change in fen reads in yuan with two decimals, under the field’s Chinese name', () => {
    expect(changeLines('item_terms', { item: 'S04', unitPriceFen: 450_000 }, { item: 'S04', unitPriceFen: 520_000 })).toEqual(['单价:4,500.00 元 → 5,200.00 元']);
  });

  it('only changed fields are listed, each with its Chinese name, never the field key or JSON', () => {
    const line = describeChange('asset', { odometerKm: 141_573, custodian: '王五', priceFen: 100_000 }, { odometerKm: 142_300, custodian: '王五', priceFen: 100_000 });
    expect(line).toBe('行驶里程(公里):141,573 → 142,300');
  });

  it('status codes read as status words, by the kind of object', () => {
    expect(changeLines('asset', { status: 'in_service' }, { status: 'under_repair' })).toEqual(['状态:在用 → 维修']);
    expect(changeLines('disposal', { status: 'requested' }, { status: 'approved' })).toEqual(['状态:待审批 → 已批准']);
    expect(changeLines('plan', { status: 'draft' }, { status: 'approved' })).toEqual(['状态:草稿 → 已批准']);
    expect(changeLines('calibration', { result: 'pass' }, { result: 'fail' })).toEqual(['结论:合格 → 不合格']);
  });

  it('people are shown by name with their user name, also inside the record', () => {
    expect(personName('mgr', { people })).toBe('张装备 (mgr)');
    expect(personName('system', { people })).toBe('system');
    expect(changeLines('disposal', { approvedBy: null }, { approvedBy: 'head' }, { people })).toEqual(['审批人:— → 李局长 (head)']);
    expect(mentionedPeople([{ actor: 'mgr', before: null, after: { approvedBy: 'head', custodian: '王五' } }])).toEqual(['mgr', 'head']);
  });

  it('a new record lists what it holds; yes/no answers read 是/否', () => {
    expect(changeLines('maintenance', null, { assetId: 7, date: '2026-11-20', kind: 'service', costFen: 35_000, vendor: null })).toEqual(['维护日期:2026-11-20', '类型:保养', '费用:350.00 元']);
    expect(changeLines('score_checklist', { plan: false }, { plan: true })).toEqual(['已制定本地区执法装备建设方案:否 → 是']);
  });

  it('objects are named in Chinese, a voided record reads 作废', () => {
    expect(['asset', 'maintenance', 'item_terms', 'import_name', 'score_checklist'].map(entityLabel)).toEqual(['装备', '维护记录', '单价与更新年限', '导入名称对照', '评分自查清单']);
    expect(changeLines('maintenance', { voidReason: null }, { voidReason: '录错车辆', voidedBy: 'mgr' }, { people })).toEqual(['作废原因:— → 录错车辆', '作废人:— → 张装备 (mgr)']);
  });

  it('timestamps go through the reader’s formatter', () => {
    expect(changeLines('disposal', { approvedAt: null }, { approvedAt: '2026-12-01T18:50:20.723Z' }, { time: (iso) => `T(${iso.slice(0, 10)})` })).toEqual(['审批时间:— → T(2026-12-01)']);
  });
});
