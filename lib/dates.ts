/** Dates are ISO `YYYY-MM-DD` strings everywhere in the app. */
export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidYmd(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function ymd(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isIsoDate(s: string): boolean {
  const m = ISO.exec(s);
  return !!m && isValidYmd(+m[1], +m[2], +m[3]);
}

/** Excel serial day number (1900 or 1904 date system) to an ISO date; null when out of range. */
export function excelSerialToIso(serial: number, date1904 = false): IsoDate | null {
  if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) return null;
  const days = Math.floor(serial);
  // Excel's 1900 system counts the non-existent 1900-02-29 as day 60; 1899-12-30 as day 0 absorbs it.
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  if (!date1904 && days < 61) {
    if (days < 1 || days === 60) return null;
    const t = new Date(Date.UTC(1899, 11, 31) + days * 86_400_000);
    return t.toISOString().slice(0, 10);
  }
  const t = new Date(epoch + days * 86_400_000);
  const y = t.getUTCFullYear();
  if (y < 1900 || y > 2999) return null;
  return t.toISOString().slice(0, 10);
}

export function isoToExcelSerial(date: IsoDate): number {
  const [y, m, d] = date.split('-').map(Number);
  return (Date.UTC(y, m - 1, d) - Date.UTC(1899, 11, 30)) / 86_400_000;
}


export function addYears(date: IsoDate, years: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number);
  const ny = y + years;
  const last = new Date(Date.UTC(ny, m, 0)).getUTCDate();
  return ymd(ny, m, Math.min(d, last));
}

/**
 * The last date whose `years` later is on or before `date`: the inverse of addYears, which moves 29 February
 * to the 28th (so that 2020-02-29 plus one year is 2021-02-28, and 2020-02-29 is the last date one year
 * before 2021-02-28).
 */
export function lastDateYearsBefore(date: IsoDate, years: number): IsoDate {
  const d = addYears(date, -years);
  const next = addDays(d, 1);
  return addYears(next, years) <= date ? next : d;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * 86_400_000).toISOString().slice(0, 10);
}
