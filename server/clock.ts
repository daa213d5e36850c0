import { resolveTimeZone, systemClock, type Clock } from '../lib/clock';

/** The machine's clock in the zone the app works in: `--time-zone`, else `TZ`, else the machine's zone unless UTC, else Asia/Shanghai. */
export function machineClock(explicitZone?: string): Clock {
  return systemClock(resolveTimeZone(explicitZone, process.env.TZ));
}
