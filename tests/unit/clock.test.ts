import { describe, expect, it } from 'vitest';
import { clockFrom, formatInstant, localDate, localDayRange, planningYear, resolveTimeZone, startOfLocalDay } from '../../lib/clock';
import { addDays } from '../../lib/dates';

describe('the zone local dates are taken in', () => {
  it('is an explicit choice first, then TZ, then the machine, and Asia/Shanghai for a machine left at UTC', () => {
    expect(resolveTimeZone('Europe/Berlin', 'Asia/Tokyo', 'America/New_York')).toBe('Europe/Berlin');
    expect(resolveTimeZone(undefined, 'Asia/Tokyo', 'America/New_York')).toBe('Asia/Tokyo');
    expect(resolveTimeZone(undefined, 'UTC', 'UTC')).toBe('UTC');
    expect(resolveTimeZone(undefined, undefined, 'America/New_York')).toBe('America/New_York');
    expect(resolveTimeZone(undefined, undefined, 'UTC')).toBe('Asia/Shanghai');
    expect(resolveTimeZone(undefined, undefined, 'Etc/UTC')).toBe('Asia/Shanghai');
    expect(resolveTimeZone(undefined, undefined, undefined)).toBe('Asia/Shanghai');
    expect(resolveTimeZone(undefined, 'CST-8', 'UTC')).toBe('Asia/Shanghai');
    expect(() => resolveTimeZone('Mars/Olympus', undefined, 'UTC')).toThrow('未知的时区');
  });
});

describe('local dates and times', () => {
  it('00:20 in Shanghai is already the next day while UTC still reads 16:20 the day before', () => {
    const today = clockFrom(new Date(), 'Asia/Shanghai').today();
    const at = new Date(new Date(startOfLocalDay(today, 'Asia/Shanghai')).getTime() + 20 * 60_000);
    expect(at.toISOString().slice(0, 10)).toBe(addDays(today, -1));
    expect(at.toISOString().slice(11, 16)).toBe('16:20');
    expect(localDate(at, 'Asia/Shanghai')).toBe(today);
    expect(formatInstant(at, 'Asia/Shanghai')).toBe(`${today} 00:20:00`);
    expect(clockFrom(at, 'Asia/Shanghai').today()).toBe(today);
  });

  it('a local day covers the instants from its midnight to the next, also across a daylight-saving change', () => {
    const day = clockFrom(new Date(), 'Asia/Shanghai').today();
    const r = localDayRange(day, day, 'Asia/Shanghai');
    expect(new Date(r.to!).getTime() - new Date(r.from!).getTime()).toBe(86_400_000);
    expect(formatInstant(r.from!, 'Asia/Shanghai')).toBe(`${day} 00:00:00`);
    expect(formatInstant(r.to!, 'Asia/Shanghai')).toBe(`${addDays(day, 1)} 00:00:00`);
    // Berlin's clocks go forward on the last Sunday of March: a 23-hour day.
    const year = Number(day.slice(0, 4));
    const sunday = [25, 26, 27, 28, 29, 30, 31].map((d) => `${year}-03-${d}`).find((d) => new Date(`${d}T12:00:00Z`).getUTCDay() === 0)!;
    const spring = localDayRange(sunday, sunday, 'Europe/Berlin');
    expect(new Date(spring.to!).getTime() - new Date(spring.from!).getTime()).toBe(23 * 3_600_000);
    expect(formatInstant(spring.from!, 'Europe/Berlin')).toBe(`${sunday} 00:00:00`);
  });
});

describe('the budget year offered by default', () => {
  it('is this year until November and next year in December', () => {
    const year = Number(clockFrom(new Date(), 'Asia/Shanghai').today().slice(0, 4));
    expect(planningYear(`${year}-01-01`)).toBe(year);
    expect(planningYear(`${year}-11-30`)).toBe(year);
    expect(planningYear(`${year}-12-01`)).toBe(year + 1);
    expect(planningYear(`${year}-12-31`)).toBe(year + 1);
  });

  it('turns to next year at midnight on 1 December in Shanghai, while UTC still reads 30 November', () => {
    const year = Number(clockFrom(new Date(), 'Asia/Shanghai').today().slice(0, 4));
    const at = new Date(new Date(startOfLocalDay(`${year}-12-01`, 'Asia/Shanghai')).getTime() + 20 * 60_000);
    expect(at.toISOString().slice(0, 10)).toBe(`${year}-11-30`);
    expect(planningYear(clockFrom(at, 'Asia/Shanghai').today())).toBe(year + 1);
  });
});
