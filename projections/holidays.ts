import { WorkingCalendar } from '../src/rules/calendar.js';
import type { HolidayTable } from '../src/rules/calendar.js';
import type { EventData } from '../schemas/events.js';
import type { ProjectionWrites } from './define.js';

/** The holiday and 调休 tables a bureau recorded, as a read model keeps them: one document. */
export interface HolidayDoc {
  tables: HolidayTable[];
}

export const HOLIDAYS_KEY = 'holidays';

const calendars = new WeakMap<HolidayDoc, WorkingCalendar>();

/**
 * The working calendar of the recorded tables (the package's data for other years). One per
 * document: the calendar remembers its answers, and the document changes only when a table is added.
 */
export function calendarOf(doc: HolidayDoc | undefined): WorkingCalendar {
  const key = doc ?? EMPTY;
  let c = calendars.get(key);
  if (!c) {
    c = new WorkingCalendar();
    for (const t of key.tables) c.record(t);
    calendars.set(key, c);
  }
  return c;
}

const EMPTY: HolidayDoc = { tables: [] };

/** The document with a year's table recorded (replacing an earlier one of that year). */
export function withTable(doc: HolidayDoc | undefined, table: HolidayTable): HolidayDoc {
  return { tables: [...(doc?.tables ?? []).filter((t) => t.year !== table.year), table].sort((a, b) => a.year - b.year) };
}

/** Folds a recorded table into a model's holiday document and writes it; returns the new document. */
export function foldHolidayTable(w: ProjectionWrites, doc: HolidayDoc | undefined, d: EventData<'HolidayTableRecorded'>): HolidayDoc {
  const next = withTable(doc, { year: d.year, holidays: d.holidays, workdays: d.workdays });
  w.docs.push(['holidays', HOLIDAYS_KEY, next]);
  return next;
}
