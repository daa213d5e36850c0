import { describe, expect, it } from 'vitest';
import { teamDemand } from '../../dispatch/demand';
import { greatCircleKm } from '../../dispatch/geo';
import { planDispatch, UNMET_PENALTY_KM, type CandidateAsset, type PlanTask, type SourceAgency } from '../../dispatch/plan';
import { SHIPPED_RULE_SETS } from '../../quotas/catalog';
import { indexRules } from '../../quotas/engine';

/** Agencies on one meridian, 0.1 degree (11.1 km) apart: A at 30.0, B at 30.1, C at 30.2 ... */
const KM_PER_TENTH = greatCircleKm(30, 120, 30.1, 120);
const site = (code: string, reserve: Record<string, number> = {}): SourceAgency => ({ code, lat: 30 + 0.1 * (code.charCodeAt(0) - 65), lon: 120, reserve });

function task(over: Partial<PlanTask> & Pick<PlanTask, 'id' | 'demand'>): PlanTask {
  return { start: '2026-12-01', end: '2026-12-10', priority: 3, lat: 30, lon: 120, ...over };
}

let seq = 0;
function unit(agency: string, item: string, over: Partial<CandidateAsset> = {}): CandidateAsset {
  seq++;
  return {
    id: seq, tag: `${agency}-${item}-${seq}`, agency, item, status: 'in_service', needsCalibration: false, calibrationValidUntil: null, odometerKm: null,
    commitments: [], ...over,
  };
}
const units = (n: number, agency: string, item: string, over: Partial<CandidateAsset> = {}) => Array.from({ length: n }, () => unit(agency, item, over));

describe('dispatch planning with HiGHS', () => {
  it('sends the nearest units and proves the plan optimal', async () => {
    // Task at A. A has 1 drone, B (11 km) 1, C (22 km) 2: the best is A's and B's.
    const out = await planDispatch({
      tasks: [task({ id: 'T1', demand: { S09: 2 } })],
      agencies: [site('A'), site('B'), site('C')],
      assets: [...units(1, 'A', 'S09'), ...units(1, 'B', 'S09'), ...units(2, 'C', 'S09')],
    });
    expect(out.status).toBe('optimal');
    expect(out.assignments.map((a) => a.from)).toEqual(['A', 'B']);
    expect(out.objective).toBeCloseTo(KM_PER_TENTH, 1);
    expect(out.unmet).toEqual([]);
  });

  it('keeps ceil(reserve) usable units at home, and says so for what is left unmet', async () => {
    // A holds 3 drones and must keep 2; B holds 1 and must keep 1: only one unit can go.
    const out = await planDispatch({
      tasks: [task({ id: 'T1', demand: { S09: 3 } })],
      agencies: [site('A', { S09: 2 }), site('B', { S09: 1 })],
      assets: [...units(3, 'A', 'S09'), ...units(1, 'B', 'S09')],
    });
    expect(out.assignments).toHaveLength(1);
    expect(out.assignments[0].from).toBe('A');
    expect(out.unmet).toEqual([expect.objectContaining({ task: 'T1', item: 'S09', quantity: 2, reason: 'reserve' })]);
    expect(out.objective).toBeCloseTo(2 * 3 * UNMET_PENALTY_KM, 0);
  });

  it('counts only usable units towards the reserve: a unit under repair does not stand in for one at home', async () => {
    const out = await planDispatch({
      tasks: [task({ id: 'T1', demand: { S09: 1 } })],
      agencies: [site('A', { S09: 1 })],
      assets: [...units(1, 'A', 'S09'), ...units(1, 'A', 'S09', { status: 'under_repair' })],
    });
    expect(out.assignments).toEqual([]);
    expect(out.unmet[0].reason).toBe('reserve');
  });

  it('never books one unit for two tasks whose dates overlap, and serves the higher priority first', async () => {
    const out = await planDispatch({
      tasks: [
        task({ id: 'T1', start: '2026-12-01', end: '2026-12-10', priority: 2, demand: { S09: 1 } }),
        task({ id: 'T2', start: '2026-12-10', end: '2026-12-20', priority: 5, demand: { S09: 1 } }),
      ],
      agencies: [site('A')],
      assets: units(1, 'A', 'S09'),
    });
    expect(out.assignments.map((a) => a.task)).toEqual(['T2']);
    expect(out.unmet).toEqual([expect.objectContaining({ task: 'T1', quantity: 1, reason: 'committed' })]);
  });

  it('lets tasks that do not overlap share a unit', async () => {
    const [drone] = units(1, 'A', 'S09');
    const out = await planDispatch({
      tasks: [
        task({ id: 'T1', start: '2026-12-01', end: '2026-12-09', demand: { S09: 1 } }),
        task({ id: 'T2', start: '2026-12-10', end: '2026-12-20', demand: { S09: 1 } }),
      ],
      agencies: [site('A')],
      assets: [drone],
    });
    expect(out.assignments.map((a) => [a.task, a.asset])).toEqual([['T1', drone.tag], ['T2', drone.tag]]);
    expect(out.unmet).toEqual([]);
  });

  it('takes a detector calibrated through the last day of the task, not one that lapses the day before', async () => {
    const good = unit('B', 'S15', { needsCalibration: true, calibrationValidUntil: '2026-12-10' });
    const lapsing = unit('A', 'S15', { needsCalibration: true, calibrationValidUntil: '2026-12-09' });
    const out = await planDispatch({ tasks: [task({ id: 'T1', demand: { S15: 2 } })], agencies: [site('A'), site('B')], assets: [good, lapsing] });
    expect(out.assignments.map((a) => a.asset)).toEqual([good.tag]);
    expect(out.unmet).toEqual([expect.objectContaining({ quantity: 1, reason: 'unusable' })]);
  });

  it('sends nothing under repair, and names repairs as the reason', async () => {
    const out = await planDispatch({
      tasks: [task({ id: 'T1', demand: { S01: 1 } })], agencies: [site('A')], assets: units(2, 'A', 'S01', { status: 'under_repair' }),
    });
    expect(out.assignments).toEqual([]);
    expect(out.unmet[0]).toMatchObject({ reason: 'unusable', quantity: 1 });
  });

  it('leaves alone units committed to an approved task on overlapping dates, but uses them after it ends', async () => {
    const booked = units(1, 'A', 'S09', { commitments: [{ start: '2026-11-25', end: '2026-12-02' }] });
    const during = await planDispatch({ tasks: [task({ id: 'T1', demand: { S09: 1 } })], agencies: [site('A')], assets: booked });
    expect(during.unmet[0]).toMatchObject({ reason: 'committed', quantity: 1 });
    const after = await planDispatch({ tasks: [task({ id: 'T1', start: '2026-12-03', demand: { S09: 1 } })], agencies: [site('A')], assets: booked });
    expect(after.assignments).toHaveLength(1);
  });

  it('reports demand for an item nobody holds as none existing', async () => {
    const out = await planDispatch({ tasks: [task({ id: 'T1', demand: { O07: 2, S09: 1 } })], agencies: [site('A')], assets: units(1, 'A', 'S09') });
    expect(out.status).toBe('optimal');
    expect(out.unmet).toEqual([expect.objectContaining({ item: 'O07', quantity: 2, reason: 'none' })]);
    expect(out.objective).toBeCloseTo(2 * 3 * UNMET_PENALTY_KM, 0);
  });

  it('prefers the newest calibration, then the lowest odometer, among equally near units', async () => {
    const old = unit('A', 'S15', { needsCalibration: true, calibrationValidUntil: '2027-01-01' });
    const fresh = unit('A', 'S15', { needsCalibration: true, calibrationValidUntil: '2027-10-01' });
    const worn = unit('A', 'S01', { odometerKm: 180_000 });
    const light = unit('A', 'S01', { odometerKm: 20_000 });
    const out = await planDispatch({ tasks: [task({ id: 'T1', demand: { S15: 1, S01: 1 } })], agencies: [site('A')], assets: [old, fresh, worn, light] });
    expect(out.assignments.map((a) => a.asset).sort()).toEqual([fresh.tag, light.tag].sort());
  });

  it('plans several tasks at once against one pool: the solver finds the pairing nearest-first misses', async () => {
    // T1 at 30.0 and T2 at 30.1 each need one drone; drones at X (30.05) and Y (29.8).
    // Nearest-first gives T1 the X drone (5.6 km) and T2 the Y drone (33.4 km): 39 km.
    // The optimum sends Y to T1 (22.2 km) and X to T2 (5.6 km): 27.8 km.
    const x: SourceAgency = { code: 'X', lat: 30.05, lon: 120, reserve: {} };
    const y: SourceAgency = { code: 'Y', lat: 29.8, lon: 120, reserve: {} };
    const out = await planDispatch({
      tasks: [task({ id: 'T1', lat: 30.0, demand: { S09: 1 } }), task({ id: 'T2', lat: 30.1, demand: { S09: 1 } })],
      agencies: [x, y],
      assets: [...units(1, 'X', 'S09'), ...units(1, 'Y', 'S09')],
    });
    expect(out.status).toBe('optimal');
    expect(out.assignments.map((a) => `${a.task}<-${a.from}`)).toEqual(['T1<-Y', 'T2<-X']);
    expect(out.objective).toBeCloseTo(2.5 * KM_PER_TENTH, 1);
  });

  it('derives a team of 12 into 3 vehicles, 3 mobile kits and 12 recorders', () => {
    expect(teamDemand(12, 'county', indexRules(SHIPPED_RULE_SETS[0]))).toEqual({ S01: 3, S02: 3, S04: 12 });
  });
});
