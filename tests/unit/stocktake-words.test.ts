import { describe, expect, it } from 'vitest';
import {
  DIFFERENCE_KINDS, KIND_WORDS, lacksForProposal, OUTCOME_WORDS, SCAN_OUTCOMES, SETTLEMENT_WORDS, SETTLEMENTS, SETTLEMENTS_OF, STOCKTAKE_STATUS_WORDS, STOCKTAKE_STATUSES,
} from '../../lib/domain/stocktakes';
import { zhCN } from '../../renderer/i18n/zh-CN';

describe('a stocktake says the same words on screen, in the report, in the server\'s refusals and on the command line', () => {
  it('statuses, scan outcomes, kinds of difference and settlements read alike in the screens and the report', () => {
    const screen = zhCN as Record<string, string>;
    for (const s of STOCKTAKE_STATUSES) expect(screen[`st.status.${s}`]).toBe(STOCKTAKE_STATUS_WORDS[s]);
    for (const o of SCAN_OUTCOMES) expect(screen[`st.outcome.${o}`]).toBe(OUTCOME_WORDS[o]);
    for (const k of DIFFERENCE_KINDS) expect(screen[`st.kind.${k}`]).toBe(KIND_WORDS[k]);
    for (const s of SETTLEMENTS) expect(screen[`st.settle.${s}`]).toBe(SETTLEMENT_WORDS[s]);
  });

  it('every kind of difference may be left as it is, and closing proposes the settlement that fits it', () => {
    for (const k of DIFFERENCE_KINDS) expect(SETTLEMENTS_OF[k]).toContain('none');
    expect(DIFFERENCE_KINDS.map((k) => SETTLEMENTS_OF[k][0])).toEqual(['transfer', 'register', 'loss', 'none']);
  });

  it('a difference goes for approval only with its 原因, 处置意见 and settlement, and a 盘盈 to register with its item', () => {
    const filled = { reason: '借出', proposal: '追回', settlement: 'none' as const, registration: null };
    expect(lacksForProposal(filled)).toEqual([]);
    expect(lacksForProposal({ ...filled, reason: '', proposal: null })).toEqual(['原因', '处置意见']);
    expect(lacksForProposal({ ...filled, settlement: null })).toEqual(['处置方式']);
    expect(lacksForProposal({ ...filled, settlement: 'register' })).toEqual(['登记的装备品目']);
    expect(lacksForProposal({ ...filled, settlement: 'register', registration: { itemCode: 'S10' } })).toEqual([]);
  });
});
