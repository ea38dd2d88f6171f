import type { Database as Db } from 'better-sqlite3';
import type { EventData, EventType } from '../schemas/events.js';
import { addRow, defineProjection, emptyProjectionWrites } from './define.js';
import type { ProjectionEvent, StateReader } from './define.js';
import { calendarOf, foldHolidayTable, HOLIDAYS_KEY } from './holidays.js';
import type { HolidayDoc } from './holidays.js';
import { daysLate } from './late-entries.js';
import { documentPage, documentReader } from './paging.js';
import type { CursorKey, JsonPage } from './paging.js';

export type CourseStatus = 'filed' | 'approved' | 'cancelled';

/** A course's record: the filing, the approval with its number range, and what was entered for it. */
export interface CourseRecord extends Omit<EventData<'CourseFiled'>, 'courseId'> {
  courseId: string;
  status: CourseStatus;
  approval?: EventData<'CourseApproved'>;
  cancellation?: EventData<'CourseCancelled'>;
  completions: number;
  /** ST-9: entries made after the deadline, and the most days late of them. */
  lateEntries: number;
  maxDaysLate: number;
  /** Entries whose deadline cannot be counted yet: no holiday table for the year (ST-9). */
  entriesWithoutDeadline?: number;
}

export interface RosterEntry {
  personId: string;
  creditId: string;
  completedOn: string;
  recordedOn: string;
  assessment: string;
  hours: number;
  proofNumber: string | null;
  /** Null when the deadline cannot be counted (no holiday table for the year). */
  daysLate: number | null;
  revoked: boolean;
}

export interface CourseFilter {
  jurisdiction?: string;
  institutionId?: string;
  category?: string;
  status?: CourseStatus;
  /** Courses starting in that year. */
  year?: number;
}

const HANDLES: EventType[] = ['CourseFiled', 'CourseApproved', 'CourseCancelled', 'CompletionRecorded', 'HolidayTableRecorded'];

interface Loaded {
  courses: Map<string, CourseRecord | undefined>;
  holidays: HolidayDoc | undefined;
}

function load(events: readonly ProjectionEvent[], state: StateReader): Loaded {
  const courses = new Map<string, CourseRecord | undefined>();
  for (const e of events) {
    if (e.type !== 'CourseApproved' && e.type !== 'CourseCancelled' && e.type !== 'CompletionRecorded') continue;
    const id = e.data.courseId;
    if (!courses.has(id)) courses.set(id, state.doc<CourseRecord>('courses', id));
  }
  return { courses, holidays: state.doc<HolidayDoc>('holidays', HOLIDAYS_KEY) };
}

function apply(events: readonly ProjectionEvent[], loaded: Loaded) {
  const w = emptyProjectionWrites();
  const { courses } = loaded;
  let holidays = loaded.holidays;
  const changed = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'HolidayTableRecorded':
        holidays = foldHolidayTable(w, holidays, e.data);
        break;
      case 'CourseFiled': {
        const d = e.data;
        courses.set(d.courseId, { ...d, status: 'filed', completions: 0, lateEntries: 0, maxDaysLate: 0 });
        changed.add(d.courseId);
        break;
      }
      case 'CourseApproved': {
        const c = courses.get(e.data.courseId);
        if (!c) break;
        c.approval = e.data;
        if (c.status !== 'cancelled') c.status = 'approved';
        changed.add(c.courseId);
        break;
      }
      case 'CourseCancelled': {
        const c = courses.get(e.data.courseId);
        if (!c) break;
        c.cancellation = e.data;
        c.status = 'cancelled';
        changed.add(c.courseId);
        break;
      }
      case 'CompletionRecorded': {
        const d = e.data;
        const c = courses.get(d.courseId);
        const late = c ? daysLate(c, d.recordedOn, calendarOf(holidays)) : 0;
        if (!c) break;
        c.completions++;
        if (late === undefined) c.entriesWithoutDeadline = (c.entriesWithoutDeadline ?? 0) + 1;
        else if (late > 0) {
          c.lateEntries++;
          c.maxDaysLate = Math.max(c.maxDaysLate, late);
        }
        changed.add(c.courseId);
        break;
      }
      default:
        break;
    }
  }
  for (const id of changed) {
    const c = courses.get(id)!;
    w.docs.push(['courses', id, c]);
    addRow(w, 'list', [id, c.institutionId, c.jurisdiction, c.category, c.status, Number(c.startsOn.slice(0, 4))]);
  }
  return w;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS course_list (
  course_id TEXT PRIMARY KEY, institution_id TEXT NOT NULL, jurisdiction TEXT NOT NULL, category TEXT NOT NULL,
  status TEXT NOT NULL, start_year INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS course_list_jurisdiction ON course_list (jurisdiction, course_id);
CREATE INDEX IF NOT EXISTS course_list_institution ON course_list (institution_id, course_id);
`;

export class CourseQueries {
  readonly course: (courseId: string) => CourseRecord | undefined;
  constructor(private readonly db: Db) {
    this.course = documentReader<CourseRecord>(db, 'course_docs');
  }

  list(filter: CourseFilter, limit: number, after?: CursorKey): JsonPage<CourseRecord> {
    return documentPage<CourseRecord>(
      this.db,
      {
        list: 'course_list',
        key: 'course_id',
        documents: 'course_docs',
        conditions: [
          filter.jurisdiction !== undefined && ['l.jurisdiction = ?', filter.jurisdiction],
          filter.institutionId !== undefined && ['l.institution_id = ?', filter.institutionId],
          filter.category !== undefined && ['l.category = ?', filter.category],
          filter.status !== undefined && ['l.status = ?', filter.status],
          filter.year !== undefined && ['l.start_year = ?', filter.year],
        ],
      },
      limit,
      after,
    );
  }
}

/**
 * Courses with their filing, approval and certificate-number range, and the completions entered for
 * them. Who completed a course (its roster) is read from the person-years model's records, which
 * hold every completion already: a roster table of its own cost a rebuild a row per completion.
 */
export const coursesProjection = defineProjection({
  name: 'courses',
  version: 3,
  schema: SCHEMA,
  tables: ['course_list'],
  documents: { courses: 'course_docs', holidays: 'course_holidays' },
  statements: {
    list: 'INSERT OR REPLACE INTO course_list (course_id, institution_id, jurisdiction, category, status, start_year) VALUES (?, ?, ?, ?, ?, ?)',
  },
  handles: new Set<EventType>(HANDLES),
  load,
  apply,
  queries: (db) => new CourseQueries(db),
});
