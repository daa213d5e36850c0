import { describe, expect, it } from 'vitest';
import { dueYears, type LiveUnit } from '../../quotas/budget';
import { CATALOG, SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { chartTables, type ChartBasis } from '../../quotas/charts';
import { countHoldings, measure, type AgencyFacts } from '../../quotas/engine';
import { DEFAULT_TERMS } from '../../quotas/replacement';

const TODAY = '2026-11-23';
const city: AgencyFacts = { code: 'C', level: 'city', staff: 10, offices: 1, parentCode: null };
const county: AgencyFacts = { code: 'K', level: 'county', staff: 12, offices: 1, parentCode: 'C' };

function basis(units: LiveUnit[], instruments: ChartBasis['instruments'], scope: ReadonlySet<string> | null): ChartBasis {
  const agencies = [city, county];
  const matrix = measure(agencies, CATALOG, SHIPPED_RULE_SETS[0], countHoldings(units.map((u) => ({ ...u, status: 'in_service' as const, calibrationValidUntil: null })), TODAY, agencies, CATALOG));
  const terms = new Map(DEFAULT_TERMS.map((t) => [t.item, t]));
  return { agencies: [{ name: '市局' }, { name: '县局' }], matrix, terms, units, due: dueYears(units, matrix, terms, TODAY), scope, instruments };
}
const car = (agency: string, purchaseDate: string | null, odometerKm: number | null): LiveUnit => ({ agency, item: 'S01', purchaseDate, odometerKm });
const count = (rows: Record<string, string | number | null>[], key: string, bin: string) => rows.find((r) => r[key] === bin)?.count;

describe('the charts', () => {
  it('bin a vehicle bought 8 years ago to the day as 8 years old, and one at 200,000 km at 20 万公里, the oldest and farthest in the last bins', () => {
    const t = chartTables(basis([
      car('K', '2018-11-23', 199_999), car('K', '2018-11-24', 200_000), car('K', '2000-01-01', 400_000), car('K', null, null),
    ], [], null), TODAY);
    expect(count(t.vehicleAge.rows, 'bin', '8')).toBe(1);
    expect(count(t.vehicleAge.rows, 'bin', '7')).toBe(1);
    expect(count(t.vehicleAge.rows, 'bin', '≥15')).toBe(1);
    expect(t.vehicleAge.subtitle).toBe('在册车辆 4 辆(有购置日期 3 辆),使用满 8 年 2 辆,占 66.7%');
    expect(count(t.odometer.rows, 'bin', '18')).toBe(1);
    expect(count(t.odometer.rows, 'bin', '20')).toBe(1);
    expect(count(t.odometer.rows, 'bin', '≥30')).toBe(1);
    expect(t.odometer.subtitle).toBe('有里程记录 3 辆,达到 20 万公里 2 辆,占 66.7%');
  });

  it('count calibrations by the month they run out: expired, within 30 days, beyond 12 months, never calibrated', () => {
    const t = chartTables(basis([], [
      { until: '2026-11-22', agency: 'K' }, { until: '2026-12-23', agency: 'K' }, { until: '2026-12-24', agency: 'K' }, { until: '2027-11-01', agency: 'K' }, { until: null, agency: 'K' },
    ], null), TODAY);
    const months = t.calibration.rows.map((r) => r.month);
    expect(months.slice(0, 3)).toEqual(['已过期', '2026-11', '2026-12']);
    expect(months.slice(-3)).toEqual(['2027-10', '12 个月以后', '无检定记录']);
    expect(count(t.calibration.rows, 'month', '2026-12')).toBe(2);
    expect(count(t.calibration.rows, 'month', '12 个月以后')).toBe(1);
    expect(t.calibration.subtitle).toBe('需检定仪器 5 件,已过期 1 件,30 天内到期 1 件,无检定记录 1 件');
  });

  it('chart only the agencies in scope', () => {
    const t = chartTables(basis([car('C', '2010-01-01', 10_000), car('K', '2025-01-01', 10_000)], [{ until: null, agency: 'C' }, { until: null, agency: 'K' }], new Set(['K'])), TODAY);
    expect(t.coverage.rows.map((r) => r.agency)).toEqual(['K']);
    expect(t.staffPerVehicle.rows).toEqual([{ agency: 'K', name: '县局', staff: 12, vehicles: 1, ratio: 12 }]);
    expect(t.vehicleAge.rows.reduce((n, r) => n + (r.count as number), 0)).toBe(1);
    expect(count(t.calibration.rows, 'month', '无检定记录')).toBe(1);
  });
});
