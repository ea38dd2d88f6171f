import type { Database as Db, Statement } from 'better-sqlite3';
import type { EventData, EventType } from '../schemas/events.js';
import { daysBetween } from '../src/rules/calendar.js';
import { addRow, defineProjection, emptyProjectionWrites } from './define.js';
import type { ProjectionEvent, StateReader } from './define.js';
import { calendarOf, foldHolidayTable, HOLIDAYS_KEY } from './holidays.js';
import type { HolidayDoc } from './holidays.js';
import { daysLate } from './late-entries.js';
import { prepared, toPage, whereClause } from './paging.js';
import type { CursorKey, Page } from './paging.js';

/** One kind of irregularity found in an institution's records, for one course. */
export interface OversightFlag {
  ruleId: string;
  courseId: string;
  /** How many entries (completions, or 1 for the course itself) show it. */
  count: number;
  message: string;
}

type CreditFileData = EventData<'CreditFileEntryRecorded'>;
export type CreditFileEntry = Omit<CreditFileData, 'institutionId' | 'jurisdiction'>;

/** The supervising bureau's view of an institution: what its records show, and its credit file (ST-14, FZ-8). */
export interface OversightRecord {
  institutionId: string;
  name: string;
  jurisdiction: string;
  /** By `ruleId:kind:courseId`. */
  flags: Record<string, OversightFlag>;
  /** The bureau's findings and sanctions, in the order recorded (about the institution or a trainer of it). */
  creditFile: CreditFileEntry[];
  /** Orders the bureau's worklist: sanctions weigh most, then each irregular entry. */
  severity: number;
}

/** FZ-8: a person who delivers training, with the entries about them at every institution. */
export interface TrainerFile {
  trainerId: string;
  name: string;
  entries: (CreditFileEntry & { institutionId: string; jurisdiction: string })[];
}

/** What oversight needs of a course to judge the entries made for it. */
interface CourseDoc {
  institutionId: string;
  jurisdiction: string;
  category: string;
  startsOn: string;
  endsOn: string;
  filedOn: string;
  cancelledOn?: string;
  approval?: { approvedOn: string; from?: string; to?: string };
}

export const SANCTION_WEIGHT: Record<CreditFileData['kind'], number> = {
  'accreditation-withdrawn': 1000,
  'filing-withdrawn': 500,
  suspension: 100,
  warning: 20,
  finding: 10,
};

const HANDLES: EventType[] = ['InstitutionAccredited', 'CourseFiled', 'CourseApproved', 'CourseCancelled', 'CompletionRecorded', 'CreditFileEntryRecorded', 'HolidayTableRecorded'];

interface Loaded {
  institutions: Map<string, OversightRecord | undefined>;
  courses: Map<string, CourseDoc | undefined>;
  trainers: Map<string, TrainerFile | undefined>;
  holidays: HolidayDoc | undefined;
}

function load(events: readonly ProjectionEvent[], state: StateReader): Loaded {
  const loaded: Loaded = { institutions: new Map(), courses: new Map(), trainers: new Map(), holidays: state.doc<HolidayDoc>('holidays', HOLIDAYS_KEY) };
  for (const e of events) {
    const d = e.data as { institutionId?: string; courseId?: string };
    if (d.courseId !== undefined && !loaded.courses.has(d.courseId)) loaded.courses.set(d.courseId, state.doc<CourseDoc>('courses', d.courseId));
    if (d.institutionId !== undefined && !loaded.institutions.has(d.institutionId)) loaded.institutions.set(d.institutionId, state.doc<OversightRecord>('institutions', d.institutionId));
    if (e.type === 'CreditFileEntryRecorded' && e.data.trainer && !loaded.trainers.has(e.data.trainer.trainerId)) {
      loaded.trainers.set(e.data.trainer.trainerId, state.doc<TrainerFile>('trainers', e.data.trainer.trainerId));
    }
  }
  return loaded;
}

function raise(r: OversightRecord, ruleId: string, kind: string, courseId: string, message: string): void {
  const key = `${ruleId}:${kind}:${courseId}`;
  const f = (r.flags[key] ??= { ruleId, courseId, count: 0, message });
  f.count++;
  f.message = message;
}

/** ST-10: public-subject plans by 15 April of their year, professional courses 10 days before they start. */
export function filingProblem(c: Pick<CourseDoc, 'jurisdiction' | 'category' | 'startsOn' | 'filedOn'>): string | undefined {
  if (c.jurisdiction !== 'shantou') return undefined;
  if (c.category === 'public') {
    const due = `${c.startsOn.slice(0, 4)}-04-15`;
    return c.filedOn > due ? `the public-subject plan was filed on ${c.filedOn}, after ${due}` : undefined;
  }
  const ahead = daysBetween(c.filedOn, c.startsOn);
  return ahead < 10 ? `filed ${ahead} days before it started (needs 10, with the roster)` : undefined;
}

/** A proof entered for training the course does not cover: another institution's, outside its dates, or after its cancellation. */
function outsideCourse(c: CourseDoc | undefined, d: EventData<'CompletionRecorded'>): string | undefined {
  if (!c) return `course ${d.courseId} was never filed`;
  if (c.institutionId !== d.institutionId) return `course ${d.courseId} is filed by ${c.institutionId}`;
  if (d.completedOn < c.startsOn || d.completedOn > c.endsOn) return `completed on ${d.completedOn}, outside the course (${c.startsOn} to ${c.endsOn})`;
  if (c.cancelledOn && d.completedOn >= c.cancelledOn) return `completed on ${d.completedOn}, after the course was cancelled (${c.cancelledOn})`;
  return undefined;
}

/** FZ-4 and FZ-5's range for one Fuzhou entry (a number entered twice is found when the record is read). */
function fuzhouChecks(r: OversightRecord, c: CourseDoc, d: EventData<'CompletionRecorded'>): boolean {
  let raised = false;
  if (!c.approval || c.approval.approvedOn > c.startsOn) {
    raise(r, 'FZ-4', 'unapproved', d.courseId, c.approval ? `class approved on ${c.approval.approvedOn}, after it started (${c.startsOn})` : 'class held without the bureau\'s prior approval');
    raised = true;
  }
  const { from, to } = c.approval ?? {};
  const n = d.proofNumber;
  if (from !== undefined && to !== undefined && (!n || !/^\d+$/.test(n) || n.length !== from.length || n < from || n > to)) {
    raise(r, 'FZ-5', 'out-of-range', d.courseId, `training certificate number ${n ?? '(none)'} outside the approved range ${from}–${to}`);
    raised = true;
  }
  return raised;
}

export function severityOf(r: OversightRecord): number {
  let s = 0;
  for (const f of Object.values(r.flags)) s += f.count;
  for (const e of r.creditFile) s += SANCTION_WEIGHT[e.kind];
  return s;
}

function apply(events: readonly ProjectionEvent[], loaded: Loaded) {
  const { institutions, courses, trainers } = loaded;
  let holidays = loaded.holidays;
  const w = emptyProjectionWrites();
  const changed = new Set<string>();
  const changedCourses = new Set<string>();
  const changedTrainers = new Set<string>();
  for (const e of events) {
    switch (e.type) {
      case 'HolidayTableRecorded':
        holidays = foldHolidayTable(w, holidays, e.data);
        break;
      case 'InstitutionAccredited': {
        const d = e.data;
        const r = institutions.get(d.institutionId) ?? { institutionId: d.institutionId, name: d.name, jurisdiction: d.jurisdiction, flags: {}, creditFile: [], severity: 0 };
        r.name = d.name;
        institutions.set(d.institutionId, r);
        changed.add(d.institutionId);
        break;
      }
      case 'CourseFiled': {
        const d = e.data;
        const c: CourseDoc = { institutionId: d.institutionId, jurisdiction: d.jurisdiction, category: d.category, startsOn: d.startsOn, endsOn: d.endsOn, filedOn: d.filedOn };
        courses.set(d.courseId, c);
        changedCourses.add(d.courseId);
        const r = institutions.get(d.institutionId);
        const problem = filingProblem(c);
        if (r && problem) {
          raise(r, 'ST-10', 'filing', d.courseId, problem);
          changed.add(r.institutionId);
        }
        break;
      }
      case 'CourseApproved': {
        const c = courses.get(e.data.courseId);
        if (!c) break;
        c.approval = { approvedOn: e.data.approvedOn, ...(e.data.certificateNumbers ? { from: e.data.certificateNumbers.from, to: e.data.certificateNumbers.to } : {}) };
        changedCourses.add(e.data.courseId);
        break;
      }
      case 'CourseCancelled': {
        const c = courses.get(e.data.courseId);
        if (!c) break;
        c.cancelledOn = e.data.cancelledOn;
        changedCourses.add(e.data.courseId);
        break;
      }
      case 'CompletionRecorded': {
        const d = e.data;
        const r = institutions.get(d.institutionId);
        if (!r) break;
        const c = courses.get(d.courseId);
        const outside = outsideCourse(c, d);
        if (outside) raise(r, r.jurisdiction === 'fuzhou' ? 'FZ-8' : 'ST-14', 'outside-course', d.courseId, `proof issued for training the course does not cover: ${outside}`);
        let raised = false;
        if (c && !outside && c.jurisdiction === 'fuzhou') {
          raised = fuzhouChecks(r, c, d);
          if (d.proofNumber !== undefined) addRow(w, 'proof', [d.courseId, d.proofNumber, d.creditId]);
        }
        const days = (c ? daysLate(c, d.recordedOn, calendarOf(holidays)) : 0) ?? 0;
        if (days > 0) raise(r, 'ST-9', 'late-entry', d.courseId, `results entered ${days} days after the 5-working-day deadline (latest entry)`);
        if (outside || raised || days > 0) changed.add(r.institutionId);
        break;
      }
      case 'CreditFileEntryRecorded': {
        const { institutionId, jurisdiction, ...entry } = e.data;
        const r = institutions.get(institutionId);
        if (r) {
          r.creditFile.push(entry);
          changed.add(institutionId);
        }
        if (entry.trainer) {
          const t = trainers.get(entry.trainer.trainerId) ?? { trainerId: entry.trainer.trainerId, name: entry.trainer.name, entries: [] };
          t.name = entry.trainer.name;
          t.entries.push({ ...entry, institutionId, jurisdiction });
          trainers.set(t.trainerId, t);
          changedTrainers.add(t.trainerId);
        }
        break;
      }
      default:
        break;
    }
  }
  for (const id of changedCourses) w.docs.push(['courses', id, courses.get(id)]);
  for (const id of changedTrainers) w.docs.push(['trainers', id, trainers.get(id)]);
  for (const id of changed) {
    const r = institutions.get(id)!;
    r.severity = severityOf(r);
    w.docs.push(['institutions', id, r]);
    addRow(w, 'list', [id, r.jurisdiction, r.severity]);
  }
  return w;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oversight_list (
  institution_id TEXT PRIMARY KEY, jurisdiction TEXT NOT NULL, severity INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS oversight_list_worst ON oversight_list (jurisdiction, severity DESC, institution_id);
CREATE TABLE IF NOT EXISTS oversight_proofs (
  course_id TEXT NOT NULL, proof_number TEXT NOT NULL, credit_id TEXT NOT NULL,
  PRIMARY KEY (course_id, proof_number, credit_id)) WITHOUT ROWID;
`;

export class OversightQueries {
  private readonly institutionDoc: Statement;
  private readonly trainerDoc: Statement;
  private readonly repeats: Statement;
  constructor(private readonly db: Db) {
    this.institutionDoc = db.prepare('SELECT doc FROM oversight_docs WHERE id = ?').pluck();
    this.trainerDoc = db.prepare('SELECT doc FROM oversight_trainers WHERE id = ?').pluck();
    // Courses of the institution: the primary key's prefix keeps this to the institution's own numbers.
    this.repeats = db.prepare(`SELECT p.course_id AS courseId, p.proof_number AS proofNumber, COUNT(*) AS n FROM oversight_proofs p
      WHERE p.course_id IN (SELECT id FROM oversight_courses WHERE json_extract(doc, '$.institutionId') = ?)
      GROUP BY p.course_id, p.proof_number HAVING n > 1`);
  }

  /** FZ-5: numbers entered for more than one completion of a class, added as flags when read. */
  private withRepeats(r: OversightRecord): OversightRecord {
    if (r.jurisdiction !== 'fuzhou') return r;
    for (const x of this.repeats.all(r.institutionId) as { courseId: string; proofNumber: string; n: number }[]) {
      const key = `FZ-5:repeated:${x.courseId}`;
      const f = (r.flags[key] ??= { ruleId: 'FZ-5', courseId: x.courseId, count: 0, message: '' });
      f.count += x.n;
      f.message = `training certificate number ${x.proofNumber} entered ${x.n} times`;
      r.severity += x.n;
    }
    return r;
  }

  institution(id: string): OversightRecord | undefined {
    const text = this.institutionDoc.get(id) as string | undefined;
    return text ? this.withRepeats(JSON.parse(text) as OversightRecord) : undefined;
  }

  trainer(id: string): TrainerFile | undefined {
    const text = this.trainerDoc.get(id) as string | undefined;
    return text ? (JSON.parse(text) as TrainerFile) : undefined;
  }

  /** Institutions of a jurisdiction with any finding, worst first. */
  worst(jurisdiction: string, limit: number, after?: CursorKey): Page<OversightRecord> {
    const { sql: where, params } = whereClause([
      ['l.jurisdiction = ?', jurisdiction],
      ['l.severity > 0'],
      after && ['(l.severity < ? OR (l.severity = ? AND l.institution_id > ?))', after[0], after[0], after[1]],
    ]);
    const sql = `SELECT l.institution_id AS id, l.severity, d.doc FROM oversight_list l JOIN oversight_docs d ON d.id = l.institution_id
      ${where} ORDER BY l.severity DESC, l.institution_id LIMIT ?`;
    const rows = prepared(this.db, sql).all(...params, limit + 1) as { id: string; severity: number; doc: string }[];
    return toPage(rows, limit, (r) => [r.severity, r.id], (r) => this.withRepeats(JSON.parse(r.doc) as OversightRecord));
  }
}

/** The supervising bureau's file on each institution and trainer: flags from the records, findings and sanctions (ST-9/10/14, FZ-4/5/8). */
export const institutionOversightProjection = defineProjection({
  name: 'institution-oversight',
  version: 1,
  schema: SCHEMA,
  tables: ['oversight_list', 'oversight_proofs'],
  documents: { institutions: 'oversight_docs', courses: 'oversight_courses', trainers: 'oversight_trainers', holidays: 'oversight_holidays' },
  statements: {
    list: 'INSERT OR REPLACE INTO oversight_list (institution_id, jurisdiction, severity) VALUES (?, ?, ?)',
    proof: { insert: 'INSERT OR IGNORE INTO oversight_proofs (course_id, proof_number, credit_id)', columns: 3, rowsPerCall: 50 },
  },
  handles: new Set<EventType>(HANDLES),
  load,
  apply,
  queries: (db) => new OversightQueries(db),
});
