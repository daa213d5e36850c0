import { addDays, ymd, type IsoDate } from './dates';
import { UserError } from './problems';

/**
 * The one clock of a ledger: every stored or shown date and time comes from it. `now` is the instant;
 * `today` is the local date of that instant in `timeZone` (not the UTC date, not the process's zone).
 */
export interface Clock {
  now(): Date;
  today(): IsoDate;
  timeZone: string;
}

/** The zone of the app when nothing says otherwise: the users are in China. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const UNSET_ZONES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);

/** Whether Intl knows `zone` as an IANA time-zone name. */
export function isTimeZone(zone: string | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone local dates are taken in: an explicit choice (`--time-zone`) if given, else the `TZ`
 * environment variable if it names a zone (so `TZ=UTC` is honoured when asked for), else the
 * machine's zone, except that a machine left at UTC or with no zone at all counts as unset and
 * gets Asia/Shanghai. An explicit choice that is not a zone name is refused.
 */
export function resolveTimeZone(explicit: string | undefined, envTz: string | undefined, system = systemZone()): string {
  if (explicit !== undefined) {
    if (!isTimeZone(explicit)) throw new UserError([{ field: 'time-zone', message: `未知的时区「${explicit}」,应为 IANA 时区名,如 Asia/Shanghai` }]);
    return canonical(explicit);
  }
  const tz = envTz?.replace(/^:/, '');
  if (isTimeZone(tz)) return canonical(tz);
  if (isTimeZone(system) && !UNSET_ZONES.has(system)) return canonical(system);
  return DEFAULT_TIME_ZONE;
}

function systemZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const canonical = (zone: string) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(instant: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of f.formatToParts(instant)) if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  return out;
}

/** The calendar date of an instant in a zone. */
export function localDate(instant: Date | string, timeZone: string): IsoDate {
  const p = partsIn(typeof instant === 'string' ? new Date(instant) : instant, timeZone);
  return ymd(p.year, p.month, p.day);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** How every screen and export shows a stored instant (an audit entry's `at`): `2026-12-02 02:56:56` in the ledger's zone. */
export function formatInstant(instant: Date | string, timeZone: string): string {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) return String(instant);
  const p = partsIn(d, timeZone);
  return `${ymd(p.year, p.month, p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The instant a local day begins in a zone, as an ISO string (what stored `at` values compare against). */
export function startOfLocalDay(date: IsoDate, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d);
  // The zone's offset at a guess, then again at the corrected instant (a day that starts at a DST change).
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const p = partsIn(new Date(t), timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - t;
    t = wall - offset;
  }
  return new Date(t).toISOString();
}

/** The half-open range of instants [from, to) covering local days `from`..`to`, either end optional. */
export function localDayRange(from: IsoDate | undefined, to: IsoDate | undefined, timeZone: string): { from?: string; to?: string } {
  return {
    ...(from ? { from: startOfLocalDay(from, timeZone) } : {}),
    ...(to ? { to: startOfLocalDay(addDays(to, 1), timeZone) } : {}),
  };
}

/** The machine's clock, with dates in `timeZone` (see `resolveTimeZone`). */
export function systemClock(timeZone: string): Clock {
  return { now: () => new Date(), today: () => localDate(new Date(), timeZone), timeZone };
}

/** A clock that reads `start` at first and then advances with real time (tests, and replaying a day). */
export function clockFrom(start: Date | string, timeZone = DEFAULT_TIME_ZONE): Clock {
  const offset = new Date(start).getTime() - Date.now();
  const now = () => new Date(Date.now() + offset);
  return { now, today: () => localDate(now(), timeZone), timeZone };
}

/**
 * The year a budget is drawn up for by default: the current one, except in December, when next
 * year's request is being prepared (the same goes for the first year of a multi-year plan).
 */
export function planningYear(today: IsoDate): number {
  const [y, m] = today.split('-').map(Number);
  return m === 12 ? y + 1 : y;
}
