import { describe, expect, it } from 'vitest';
import { parseQuota, quotaText } from '../../excel/rule-set';

const text = (v: string) => ({ t: 's', v });

describe('a quota cell as the standard writes it', () => {
  it('reads the forms of the 2020 table, typed with full-width characters, spaces, ≥ or 至少 (kept as a minimum), and 选配', () => {
    expect(parseQuota(text('1辆/5人'), '辆')).toEqual({ ok: true, value: { basis: 'per_staff', quantity: 1, per: 5 } });
    expect(parseQuota(text(' １ 辆 ／ ５ 人 '), '辆')).toEqual({ ok: true, value: { basis: 'per_staff', quantity: 1, per: 5 } });
    expect(parseQuota(text('1/人'), '台')).toEqual({ ok: true, value: { basis: 'per_staff', quantity: 1, per: 1 } });
    expect(parseQuota(text('≥1/机构'), '架')).toEqual({ ok: true, value: { basis: 'per_agency', quantity: 1, per: 1, atLeast: true } });
    expect(parseQuota(text('至少 2 台/个机构'), '台')).toEqual({ ok: true, value: { basis: 'per_agency', quantity: 2, per: 1, atLeast: true } });
    expect(parseQuota(text('≥1辆/5人'), '辆')).toEqual({ ok: true, value: { basis: 'per_staff', quantity: 1, per: 5, atLeast: true } });
    expect(parseQuota(text(' 选配 '), '架')).toEqual({ ok: true, value: { basis: 'per_agency', quantity: 0, per: 1, optional: true } });
    expect(parseQuota(text('1/办公室'), '台')).toEqual({ ok: true, value: { basis: 'per_office', quantity: 1, per: 1 } });
    expect(parseQuota(text('1台/办公点'), '台')).toEqual({ ok: true, value: { basis: 'per_office', quantity: 1, per: 1 } });
    for (const blank of ['', '无', '/', '—']) expect(parseQuota(text(blank), '台')).toEqual({ ok: true, value: null });
  });

  it('refuses what is not a quota, saying why', () => {
    const message = (v: string | number, unit = '台') => {
      const r = parseQuota(typeof v === 'number' ? { t: 'n', v } : text(v), unit);
      return r.ok ? null : r.message;
    };
    expect(message('两辆/5人', '辆')).toMatch(/^「两辆\/5人」不是配备数量/);
    expect(message(3)).toContain('只有数量');
    expect(message('0/机构')).toContain('数量应为 1–1000');
    expect(message('1/0人')).toContain('人数应为 1–1000');
    expect(message('2/3机构')).toContain('「/」后不写数字');
    expect(message('1辆/5人', '套')).toBe('「1辆/5人」的单位「辆」与该品目的计量单位「套」不符');
  });

  it('writes each basis back in a form it reads', () => {
    for (const rule of [{ basis: 'per_staff', quantity: 1, per: 5 }, { basis: 'per_staff', quantity: 2, per: 1 }, { basis: 'per_agency', quantity: 3, per: 1 }, { basis: 'per_office', quantity: 1, per: 1 },
      { basis: 'per_agency', quantity: 1, per: 1, atLeast: true }, { basis: 'per_agency', quantity: 0, per: 1, optional: true }] as const) {
      expect(parseQuota(text(quotaText(rule, '台')), '台')).toEqual({ ok: true, value: rule });
    }
    expect(quotaText({ basis: 'per_staff', quantity: 1, per: 5 }, '辆')).toBe('1辆/5人');
    expect(quotaText({ basis: 'per_office', quantity: 1, per: 1 }, '台')).toBe('1/办公室');
    expect(quotaText({ basis: 'per_agency', quantity: 1, per: 1, atLeast: true }, '架')).toBe('≥1/机构');
    expect(quotaText({ basis: 'per_agency', quantity: 0, per: 1, optional: true }, '架')).toBe('选配');
  });
});
