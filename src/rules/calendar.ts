import chineseDays from 'chinese-days';

const { isWorkday } = chineseDays;

/**
 * Working days of the mainland calendar: weekends and public holidays off, adjusted working days
 * (调休) on. The data comes from the maintained `chinese-days` package, which follows the State
 * Council's yearly notices, rather than from a list kept here.
 */
const workingDays = new Map<string, boolean>();

export function isWorkingDay(date: string): boolean {
  let known = workingDays.get(date);
  if (known === undefined) {
    // The calendar is fixed per date and lookups in the package are slow: remember the answers.
    known = isWorkday(date);
    if (workingDays.size < 100_000) workingDays.set(date, known);
  }
  return known;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Milliseconds at UTC midnight of a YYYY-MM-DD date (a validated one), from its digits: the rules
 * ask this for every course credit a rebuild evaluates, and parsing a built ISO string was a
 * measurable part of it.
 */
function utcMidnight(date: string): number {
  const digit = (i: number) => date.charCodeAt(i) - 48;
  const year = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3);
  return Date.UTC(year, digit(5) * 10 + digit(6) - 1, digit(8) * 10 + digit(9));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / 86_400_000);
}

export function nextWorkingDayOnOrAfter(date: string): string {
  let d = date;
  while (!isWorkingDay(d)) d = addDays(d, 1);
  return d;
}

/** The n-th working day after `date` (n ≥ 1); ST-9 counts five of them after a course ends. */
const workingDayOffsets = new Map<string, string>();

export function addWorkingDays(date: string, n: number): string {
  const key = `${date}+${n}`;
  const known = workingDayOffsets.get(key);
  if (known !== undefined) return known;
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  if (workingDayOffsets.size < 100_000) workingDayOffsets.set(key, d);
  return d;
}

const STAMP_DAYS = [10, 15, 20, 25, 30];

/** The days ST-12 names in a month: the 10th…30th, each moved to the next working day when it is not one. */
export function shantouStampDays(year: number, month: number): string[] {
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return STAMP_DAYS.filter((d) => d <= lastDay).map((d) =>
    nextWorkingDayOnOrAfter(`${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  );
}

/** ST-12: whether the city bureau stamps on this date. */
export function isShantouStampDay(date: string): boolean {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const prev = m === 1 ? [y - 1, 12] : [y, m - 1];
  // A 30th moved past the month's end lands in the next month: look at both.
  return [...shantouStampDays(y, m), ...shantouStampDays(prev[0]!, prev[1]!)].includes(date);
}

/** The first ST-12 stamp day on or after `date`. */
export function stampDayOnOrAfter(date: string): string {
  let d = date;
  while (!isShantouStampDay(d)) d = addDays(d, 1);
  return d;
}
