import type { Database as Db } from 'better-sqlite3';
import type { EventType } from '../schemas/events.js';
import { addRow, defineProjection, emptyProjectionWrites } from './define.js';
import type { ProjectionEvent, StateReader } from './define.js';
import { calendarOf, foldHolidayTable, HOLIDAYS_KEY } from './holidays.js';
import type { HolidayDoc } from './holidays.js';
import { daysLate } from './late-entries.js';
import { documentPage, documentReader } from './paging.js';
import type { CursorKey, JsonPage } from './paging.js';

export interface InstitutionRecord {
  institutionId: string;
  name: string;
  jurisdiction: string;
  level: string;
  status: 'accredited' | 'withdrawn';
  /** Accreditation granted and withdrawn, in the order recorded. */
  accreditation: { action: 'accredited' | 'withdrawn'; on: string; reason?: string }[];
  courses: number;
  completions: number;
  /** ST-9: entries made after the deadline, per course with the most days late. */
  lateEntries: number;
  lateByCourse: Record<string, { entries: number; maxDaysLate: number }>;
  /** Entries whose deadline cannot be counted yet: no holiday table for the year (ST-9). */
  entriesWithoutDeadline?: number;
}

/** What the institution record needs of a course to judge its entries. */
interface CourseEnds {
  institutionId: string;
  jurisdiction: string;
  endsOn: string;
}

const HANDLES: EventType[] = ['InstitutionAccredited', 'InstitutionAccreditationWithdrawn', 'CourseFiled', 'CompletionRecorded', 'HolidayTableRecorded'];

interface Loaded {
  institutions: Map<string, InstitutionRecord | undefined>;
  courses: Map<string, CourseEnds | undefined>;
  holidays: HolidayDoc | undefined;
}

function load(events: readonly ProjectionEvent[], state: StateReader): Loaded {
  const loaded: Loaded = { institutions: new Map(), courses: new Map(), holidays: state.doc<HolidayDoc>('holidays', HOLIDAYS_KEY) };
  for (const e of events) {
    if (e.type === 'CompletionRecorded' && !loaded.courses.has(e.data.courseId)) loaded.courses.set(e.data.courseId, state.doc<CourseEnds>('courses', e.data.courseId));
    const id = (e.data as { institutionId?: string }).institutionId;
    if (id !== undefined && !loaded.institutions.has(id)) loaded.institutions.set(id, state.doc<InstitutionRecord>('institutions', id));
  }
  return loaded;
}

function apply(events: readonly ProjectionEvent[], loaded: Loaded) {
  const w = emptyProjectionWrites();
  const { institutions, courses } = loaded;
  let holidays = loaded.holidays;
  const changed = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'HolidayTableRecorded':
        holidays = foldHolidayTable(w, holidays, e.data);
        break;
      case 'InstitutionAccredited': {
        const d = e.data;
        const known = institutions.get(d.institutionId);
        const record: InstitutionRecord = known ?? {
          institutionId: d.institutionId,
          name: d.name,
          jurisdiction: d.jurisdiction,
          level: d.level,
          status: 'accredited',
          accreditation: [],
          courses: 0,
          completions: 0,
          lateEntries: 0,
          lateByCourse: {},
        };
        Object.assign(record, { name: d.name, jurisdiction: d.jurisdiction, level: d.level, status: 'accredited' });
        record.accreditation.push({ action: 'accredited', on: d.accreditedOn });
        institutions.set(d.institutionId, record);
        changed.add(d.institutionId);
        break;
      }
      case 'InstitutionAccreditationWithdrawn': {
        const r = institutions.get(e.data.institutionId);
        if (!r) break;
        r.status = 'withdrawn';
        r.accreditation.push({ action: 'withdrawn', on: e.data.effectiveOn, reason: e.data.reason });
        changed.add(r.institutionId);
        break;
      }
      case 'CourseFiled': {
        const d = e.data;
        const ends: CourseEnds = { institutionId: d.institutionId, jurisdiction: d.jurisdiction, endsOn: d.endsOn };
        courses.set(d.courseId, ends);
        w.docs.push(['courses', d.courseId, ends]);
        const r = institutions.get(d.institutionId);
        if (!r) break;
        r.courses++;
        changed.add(r.institutionId);
        break;
      }
      case 'CompletionRecorded': {
        const r = institutions.get(e.data.institutionId);
        if (!r) break;
        r.completions++;
        const course = courses.get(e.data.courseId);
        const late = course ? daysLate(course, e.data.recordedOn, calendarOf(holidays)) : 0;
        if (late === undefined) r.entriesWithoutDeadline = (r.entriesWithoutDeadline ?? 0) + 1;
        else if (late > 0) {
          r.lateEntries++;
          const c = (r.lateByCourse[e.data.courseId] ??= { entries: 0, maxDaysLate: 0 });
          c.entries++;
          c.maxDaysLate = Math.max(c.maxDaysLate, late);
        }
        changed.add(r.institutionId);
        break;
      }
      default:
        break;
    }
  }
  for (const id of changed) {
    const r = institutions.get(id)!;
    w.docs.push(['institutions', id, r]);
    addRow(w, 'list', [id, r.jurisdiction, r.status, r.lateEntries]);
  }
  return w;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS institution_list (
  institution_id TEXT PRIMARY KEY, jurisdiction TEXT NOT NULL, status TEXT NOT NULL, late_entries INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS institution_list_jurisdiction ON institution_list (jurisdiction, institution_id);
`;

export interface InstitutionFilter {
  jurisdiction?: string;
  status?: InstitutionRecord['status'];
  /** Only those with late entries (ST-9). */
  late?: boolean;
  /** Only this one (an institution reading its own record). */
  institutionId?: string;
}

export class InstitutionQueries {
  readonly institution: (id: string) => InstitutionRecord | undefined;
  constructor(private readonly db: Db) {
    this.institution = documentReader<InstitutionRecord>(db, 'institution_docs');
  }

  list(filter: InstitutionFilter, limit: number, after?: CursorKey): JsonPage<InstitutionRecord> {
    return documentPage<InstitutionRecord>(
      this.db,
      {
        list: 'institution_list',
        key: 'institution_id',
        documents: 'institution_docs',
        conditions: [
          filter.jurisdiction !== undefined && ['l.jurisdiction = ?', filter.jurisdiction],
          filter.status !== undefined && ['l.status = ?', filter.status],
          filter.institutionId !== undefined && ['l.institution_id = ?', filter.institutionId],
          filter.late !== undefined && [filter.late ? 'l.late_entries > 0' : 'l.late_entries = 0'],
        ],
      },
      limit,
      after,
    );
  }
}

/** Accredited institutions: accreditation history, courses filed, completions entered, late entries (ST-9). */
export const institutionsProjection = defineProjection({
  name: 'institutions',
  version: 2,
  schema: SCHEMA,
  tables: ['institution_list'],
  documents: { institutions: 'institution_docs', courses: 'institution_course_ends', holidays: 'institution_holidays' },
  statements: {
    list: 'INSERT OR REPLACE INTO institution_list (institution_id, jurisdiction, status, late_entries) VALUES (?, ?, ?, ?)',
  },
  handles: new Set<EventType>(HANDLES),
  load,
  apply,
  queries: (db) => new InstitutionQueries(db),
});
