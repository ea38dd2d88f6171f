import chineseDays from 'chinese-days';

const { getHolidaysInRange, isWorkday } = chineseDays;

/** A year's public holidays and adjusted working days (调休), as the bureau records them. */
export interface HolidayTable {
  year: number;
  holidays: string[];
  workdays: string[];
}

/** A working-day question about a year the calendar has no data for: answered by nobody, said so. */
export interface MissingYear {
  missingYear: number;
}

export const isMissingYear = (v: unknown): v is MissingYear => typeof v === 'object' && v !== null && 'missingYear' in v;

export function missingYearMessage(year: number): string {
  return `no holiday and 调休 table is on record for ${year}: the bureau records it (POST /v1/calendar/${year}) before working days of ${year} can be counted`;
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

const isWeekday = (date: string) => {
  const d = new Date(utcMidnight(date)).getUTCDay();
  return d !== 0 && d !== 6;
};

const CACHE_LIMIT = 100_000;

/**
 * Working days of the mainland calendar: weekends and public holidays off, adjusted working days
 * (调休) on. A year the bureau recorded a table for uses it; other years come from the maintained
 * `chinese-days` package, which follows the State Council's yearly notices. A year neither knows
 * (the package calls every weekday of such a year a working day) is answered as missing, never guessed.
 */
export class WorkingCalendar {
  private readonly recorded = new Map<number, { holidays: Set<string>; workdays: Set<string> }>();
  private readonly packageYears = new Map<number, boolean>();
  // The calendar is fixed per date and lookups in the package are slow: remember the answers.
  private readonly days = new Map<string, boolean | undefined>();
  private readonly offsets = new Map<string, string | MissingYear>();

  record(table: HolidayTable): void {
    this.recorded.set(table.year, { holidays: new Set(table.holidays), workdays: new Set(table.workdays) });
    this.days.clear();
    this.offsets.clear();
  }

  /** The tables recorded so far, to persist them. */
  tables(): HolidayTable[] {
    return [...this.recorded].map(([year, t]) => ({ year, holidays: [...t.holidays], workdays: [...t.workdays] }));
  }

  covers(year: number): boolean {
    if (this.recorded.has(year)) return true;
    let known = this.packageYears.get(year);
    if (known === undefined) {
      // Every year has official holidays (New Year's Day at least): none means no data.
      known = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;
      this.packageYears.set(year, known);
    }
    return known;
  }

  /** Undefined when the date's year is not covered. */
  isWorkingDay(date: string): boolean | undefined {
    if (this.days.has(date)) return this.days.get(date);
    const year = Number(date.slice(0, 4));
    const table = this.recorded.get(year);
    let answer: boolean | undefined;
    if (table) answer = table.workdays.has(date) || (!table.holidays.has(date) && isWeekday(date));
    else if (this.covers(year)) answer = isWorkday(date);
    if (this.days.size < CACHE_LIMIT) this.days.set(date, answer);
    return answer;
  }

  nextWorkingDayOnOrAfter(date: string): string | MissingYear {
    let d = date;
    for (;;) {
      const working = this.isWorkingDay(d);
      if (working === undefined) return { missingYear: Number(d.slice(0, 4)) };
      if (working) return d;
      d = addDays(d, 1);
    }
  }

  /** The n-th working day after `date` (n ≥ 1); ST-9 counts five of them after a course ends. */
  addWorkingDays(date: string, n: number): string | MissingYear {
    const key = `${date}+${n}`;
    const known = this.offsets.get(key);
    if (known !== undefined) return known;
    let d = date;
    let answer: string | MissingYear | undefined;
    for (let left = n; left > 0 && !answer; ) {
      d = addDays(d, 1);
      const working = this.isWorkingDay(d);
      if (working === undefined) answer = { missingYear: Number(d.slice(0, 4)) };
      else if (working) left--;
    }
    answer ??= d;
    if (this.offsets.size < CACHE_LIMIT) this.offsets.set(key, answer);
    return answer;
  }
}

/** The package's calendar alone, for callers with no recorded tables at hand. */
export const PACKAGE_CALENDAR = new WorkingCalendar();

export function isWorkingDay(date: string): boolean | undefined {
  return PACKAGE_CALENDAR.isWorkingDay(date);
}

export function nextWorkingDayOnOrAfter(date: string): string | MissingYear {
  return PACKAGE_CALENDAR.nextWorkingDayOnOrAfter(date);
}

export function addWorkingDays(date: string, n: number): string | MissingYear {
  return PACKAGE_CALENDAR.addWorkingDays(date, n);
}

const STAMP_DAYS = [10, 15, 20, 25, 30];

/** The days ST-12 names in a month: the 10th…30th, each moved to the next working day when it is not one. */
export function shantouStampDays(year: number, month: number, calendar: WorkingCalendar = PACKAGE_CALENDAR): (string | MissingYear)[] {
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return STAMP_DAYS.filter((d) => d <= lastDay).map((d) =>
    calendar.nextWorkingDayOnOrAfter(`${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
  );
}

/** ST-12: whether the city bureau stamps on this date, or the year whose holidays are needed and missing. */
export function isShantouStampDay(date: string, calendar: WorkingCalendar = PACKAGE_CALENDAR): boolean | MissingYear {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const prev = m === 1 ? [y - 1, 12] : [y, m - 1];
  // A 30th moved past the month's end lands in the next month: look at both.
  const days = [...shantouStampDays(prev[0]!, prev[1]!, calendar), ...shantouStampDays(y, m, calendar)];
  if (days.includes(date)) return true;
  return days.find(isMissingYear) ?? false;
}

/** The first ST-12 stamp day on or after `date`. */
export function stampDayOnOrAfter(date: string, calendar: WorkingCalendar = PACKAGE_CALENDAR): string | MissingYear {
  let d = date;
  for (;;) {
    const stamp = isShantouStampDay(d, calendar);
    if (stamp === true) return d;
    if (isMissingYear(stamp)) return stamp;
    d = addDays(d, 1);
  }
}
