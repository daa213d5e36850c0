import { createContext, useContext } from 'react';
import type { ClockNow } from '../../api/contract';
import { formatInstant, planningYear } from '../../lib/clock';
import { addDays, type IsoDate } from '../../lib/dates';

/** The server's clock (`clock/now`), refreshed while the app is open. */
export const ClockContext = createContext<ClockNow | null>(null);

export interface ServerClock {
  /** Today on the server, in the ledger's zone: default record dates and date windows start here. */
  today: IsoDate;
  inDays: (n: number) => IsoDate;
  year: number;
  /** The budget and the multi-year plan's first year: next year from December on. */
  planningYear: number;
  timeZone: string;
  /** A stored instant (an audit entry's `at`) as every screen shows it. */
  time: (instant: string) => string;
}

/** Dates that go to the server come from the server's clock, never the browser's. */
export function useClock(): ServerClock {
  const c = useContext(ClockContext);
  if (!c) throw new Error('useClock outside ClockContext');
  return {
    today: c.today,
    inDays: (n) => addDays(c.today, n),
    year: Number(c.today.slice(0, 4)),
    planningYear: planningYear(c.today),
    timeZone: c.timeZone,
    time: (instant) => formatInstant(instant, c.timeZone),
  };
}
