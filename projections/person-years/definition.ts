import type { EventType } from '../../schemas/events.js';
import type { RuleOptions } from '../../src/rules/rule-set.js';
import { addRow, defineProjection, emptyProjectionWrites } from '../define.js';
import type { ProjectionEvent, ProjectionWrites, StateReader } from '../define.js';
import { foldPerson, personFromEvents, yearsOf } from '../person.js';
import type { PersonRecord } from '../person.js';
import { addIndustryRuleSet, emptyRegistry, foldRegistry, industryKey, jurisdictionsOf } from '../registry.js';
import type { IndustryRuleSet, Registry, RegistryCourse, RegistryInstitution } from '../registry.js';
import { JURISDICTIONS } from '../../schemas/common.js';
import { streams } from '../../src/domain/streams.js';
import type { Catalogue } from '../../src/rules/catalogue.js';
import { calendarOf, HOLIDAYS_KEY, withTable } from '../holidays.js';
import type { HolidayDoc } from '../holidays.js';
import { PERSON_YEARS, PersonYearQueries } from './queries.js';
import { writeYears } from './writes.js';

/** Persons a batch evaluates before it gives the thread back for a turn (a few milliseconds). */
const PERSONS_PER_TURN = 250;
export const courseKey = (id: string) => `course:${id}`;
export const institutionKey = (id: string) => `institution:${id}`;
export const industryDocKey = (key: string) => `industry:${key}`;

const PERSON_EVENTS: EventType[] = [
  'PersonRegistered',
  'PersonTitleChanged',
  'PersonTransferred',
  'EnrolmentRecorded',
  'CompletionRecorded',
  'ConversionClaimed',
  'CreditReviewed',
  'CreditRevoked',
  'AnnualAssessmentSigned',
  'CertificateIssued',
  'CertificateStamped',
  'CertificateRevoked',
  'OnlineStudyConsented',
  'MissedYearExcused',
];
const REGISTRY_EVENTS: EventType[] = [
  'InstitutionAccredited',
  'InstitutionAccreditationWithdrawn',
  'CourseFiled',
  'CourseApproved',
  'CourseCancelled',
  'CoursePublished',
  'PublicSubjectsListed',
  'PastYearCatalogueRecorded',
  'HolidayTableRecorded',
  'IndustryRuleSetRecorded',
];
export const catalogueKey = (jurisdiction: string) => `catalogue:${jurisdiction}`;

/** What folding a batch needs: the persons it touches and the registry entries they and it name. */
interface Loaded {
  persons: Map<string, PersonRecord | undefined>;
  registry: Registry;
  /** Persons with a committed completion of each course the batch changes. */
  personsOfCourse: Map<string, string[]>;
  /** Courses of each institution the batch changes. */
  coursesOfInstitution: Map<string, string[]>;
  /** Persons with a committed year in each jurisdiction whose catalogue the batch changes. */
  personsOfCatalogue: Map<string, string[]>;
  /** Persons with a committed year a holiday table the batch records moves (its year and the one before). */
  personsOfHolidays: Map<number, string[]>;
  /** Persons of each industry (by industryKey) whose rule set the batch changes. */
  personsOfIndustry: Map<string, string[]>;
}

const PERSON_PREFIX = streams.person('');
const personOf = (e: ProjectionEvent) => (e.streamId.startsWith(PERSON_PREFIX) ? e.streamId.slice(PERSON_PREFIX.length) : undefined);

async function load(events: readonly ProjectionEvent[], state: StateReader): Promise<Loaded> {
  const loaded: Loaded = {
    persons: new Map(),
    registry: emptyRegistry(),
    personsOfCourse: new Map(),
    coursesOfInstitution: new Map(),
    personsOfCatalogue: new Map(),
    personsOfHolidays: new Map(),
    personsOfIndustry: new Map(),
  };
  const industryKeys = new Set<string>();
  const courseIds = new Set<string>();
  const institutionIds = new Set<string>();
  const personIds = new Set<string>();
  // Courses changed after completions may have been recorded: their persons are evaluated again.
  const changedCourses = new Set<string>();
  for (const e of events) {
    const personId = personOf(e);
    if (personId !== undefined) {
      personIds.add(personId);
      if (e.type === 'CompletionRecorded') courseIds.add(e.data.courseId);
    } else if (e.type === 'InstitutionAccredited' || e.type === 'InstitutionAccreditationWithdrawn') {
      const id = e.data.institutionId;
      institutionIds.add(id);
      if (!loaded.coursesOfInstitution.has(id)) {
        const rows = await state.rows<{ course_id: string }>('SELECT course_id FROM institution_courses WHERE institution_id = ?', id);
        loaded.coursesOfInstitution.set(id, rows.map((r) => r.course_id));
        for (const r of rows) changedCourses.add(r.course_id);
      }
    } else if (e.type === 'IndustryRuleSetRecorded') {
      const key = industryKey(e.data.jurisdiction, e.data.industry);
      industryKeys.add(key);
      if (!loaded.personsOfIndustry.has(key)) {
        const rows = await state.rows<{ person_id: string }>('SELECT person_id FROM industry_persons WHERE jurisdiction = ? AND industry = ?', e.data.jurisdiction, e.data.industry);
        loaded.personsOfIndustry.set(key, rows.map((r) => r.person_id));
        for (const r of rows) personIds.add(r.person_id);
      }
    } else if (e.type === 'CourseFiled' || e.type === 'CourseApproved' || e.type === 'CourseCancelled' || e.type === 'CoursePublished') {
      courseIds.add(e.data.courseId);
      if (e.type === 'CourseFiled') institutionIds.add(e.data.institutionId);
      else changedCourses.add(e.data.courseId);
    } else if (e.type === 'PublicSubjectsListed' || e.type === 'PastYearCatalogueRecorded') {
      const j = e.data.jurisdiction;
      if (loaded.personsOfCatalogue.has(j)) continue;
      const rows = await state.rows<{ person_id: string }>('SELECT DISTINCT person_id FROM person_years WHERE jurisdiction = ?', j);
      loaded.personsOfCatalogue.set(j, rows.map((r) => r.person_id));
      for (const r of rows) personIds.add(r.person_id);
    } else if (e.type === 'HolidayTableRecorded') {
      const y = e.data.year;
      if (loaded.personsOfHolidays.has(y)) continue;
      const rows = await state.rows<{ person_id: string }>('SELECT DISTINCT person_id FROM person_years WHERE year BETWEEN ? AND ?', y - 1, y);
      loaded.personsOfHolidays.set(y, rows.map((r) => r.person_id));
      for (const r of rows) personIds.add(r.person_id);
    }
  }
  for (const courseId of changedCourses) {
    courseIds.add(courseId);
    const rows = await state.rows<{ person_id: string }>('SELECT person_id FROM course_persons WHERE course_id = ?', courseId);
    if (rows.length > 0) loaded.personsOfCourse.set(courseId, rows.map((r) => r.person_id));
    for (const r of rows) personIds.add(r.person_id);
  }
  loaded.persons = await state.docs<PersonRecord>('persons', personIds);
  for (const record of loaded.persons.values()) {
    if (record) for (const c of Object.values(record.credits)) if (c.source === 'completion') courseIds.add(c.courseId);
    if (record?.industry) for (const j of jurisdictionsOf(record)) industryKeys.add(industryKey(j, record.industry));
  }
  for (const e of events) if (e.type === 'PersonRegistered' && e.data.industry) industryKeys.add(industryKey(e.data.jurisdiction, e.data.industry));
  for (const key of industryKeys) {
    const sets = state.doc<IndustryRuleSet[]>('registry', industryDocKey(key));
    if (sets) (loaded.registry.industryRules ??= new Map()).set(key, sets);
  }
  for (const courseId of courseIds) {
    const course = state.doc<RegistryCourse>('registry', courseKey(courseId));
    if (!course) continue;
    loaded.registry.courses.set(courseId, course);
    institutionIds.add(course.institutionId);
  }
  for (const id of institutionIds) {
    const institution = state.doc<RegistryInstitution>('registry', institutionKey(id));
    if (institution) loaded.registry.institutions.set(id, institution);
  }
  loadBureauData(loaded.registry, state);
  return loaded;
}

/** The bureaus' data every evaluation reads: each jurisdiction's catalogue and the recorded holiday tables. */
function loadBureauData(registry: Registry, state: Pick<StateReader, 'doc'>): void {
  for (const j of JURISDICTIONS) {
    const catalogue = state.doc<Catalogue>('registry', catalogueKey(j));
    if (catalogue) registry.catalogues.set(j, catalogue);
  }
  registry.calendar = calendarOf(state.doc<HolidayDoc>('registry', HOLIDAYS_KEY));
}

async function apply(rules: RuleOptions, events: readonly ProjectionEvent[], loaded: Loaded): Promise<ProjectionWrites> {
  const w = emptyProjectionWrites();
  const { persons, registry } = loaded;
  let holidays: HolidayDoc = { tables: registry.calendar.tables() };
  const touched = new Map<string, Set<number>>();
  const batchLinks = new Map<string, Set<string>>();
  const batchCourses = new Map<string, Set<string>>();
  const batchIndustry: [key: string, personId: string][] = [];
  // Persons whose own events the batch folds: only their records change. The others it touches
  // (a catalogue, a course, a holiday table changed) have their years evaluated again, and no more.
  const folded = new Set<string>();
  const touch = (personId: string, years: number[] | 'all') => {
    let set = touched.get(personId);
    if (!set) touched.set(personId, (set = new Set()));
    const record = persons.get(personId);
    for (const y of years === 'all' ? (record ? yearsOf(record) : []) : years) set.add(y);
  };
  const touchCourse = (courseId: string) => {
    for (const p of loaded.personsOfCourse.get(courseId) ?? []) touch(p, 'all');
    for (const p of batchLinks.get(courseId) ?? []) touch(p, 'all');
  };
  for (const e of events) {
    const personId = personOf(e);
    if (personId !== undefined) {
      const { record, years } = foldPerson(persons.get(personId), e, e.position);
      folded.add(personId);
      persons.set(personId, record);
      if (record) touch(personId, years);
      if (record?.industry && (e.type === 'PersonRegistered' || e.type === 'PersonTransferred')) {
        addRow(w, 'industryPerson', [record.jurisdiction, record.industry, personId]);
        batchIndustry.push([industryKey(record.jurisdiction, record.industry), personId]);
      }
      if (e.type === 'CompletionRecorded') {
        addRow(w, 'link', [e.data.courseId, personId]);
        let set = batchLinks.get(e.data.courseId);
        if (!set) batchLinks.set(e.data.courseId, (set = new Set()));
        set.add(personId);
      }
      continue;
    }
    if (e.type === 'IndustryRuleSetRecorded') {
      const key = industryKey(e.data.jurisdiction, e.data.industry);
      w.docs.push(['registry', industryDocKey(key), addIndustryRuleSet(registry, e.data)]);
      for (const p of loaded.personsOfIndustry.get(key) ?? []) touch(p, 'all');
      for (const [k, p] of batchIndustry) if (k === key) touch(p, 'all');
      continue;
    }
    const changed = foldRegistry(registry, e);
    if (!changed) continue;
    if (changed.catalogue) {
      const j = changed.catalogue;
      w.docs.push(['registry', catalogueKey(j), registry.catalogues.get(j)]);
      for (const p of loaded.personsOfCatalogue.get(j) ?? []) touch(p, 'all');
      for (const [p, record] of persons) if (record && (record.jurisdiction === j || record.transfers.some((t) => t.fromJurisdiction === j))) touch(p, 'all');
    }
    if (changed.holidayYear !== undefined) {
      // A year's holidays move the working days of its own entries and of the previous year's last ones.
      const y = changed.holidayYear;
      holidays = withTable(holidays, registry.calendar.tables().find((t) => t.year === y)!);
      w.docs.push(['registry', HOLIDAYS_KEY, holidays]);
      for (const p of loaded.personsOfHolidays.get(y) ?? []) touch(p, 'all');
      for (const [p, record] of persons) if (record && yearsOf(record).some((n) => n === y || n === y - 1)) touch(p, 'all');
    }
    if (changed.courseId) {
      const course = registry.courses.get(changed.courseId);
      if (!course) continue;
      w.docs.push(['registry', courseKey(changed.courseId), course]);
      if (e.type === 'CourseFiled') {
        addRow(w, 'institutionCourse', [course.institutionId, course.courseId]);
        let set = batchCourses.get(course.institutionId);
        if (!set) batchCourses.set(course.institutionId, (set = new Set()));
        set.add(course.courseId);
      }
      touchCourse(changed.courseId);
    }
    if (changed.institutionId) {
      const institution = registry.institutions.get(changed.institutionId);
      if (!institution) continue;
      w.docs.push(['registry', institutionKey(changed.institutionId), institution]);
      for (const c of [...(loaded.coursesOfInstitution.get(changed.institutionId) ?? []), ...(batchCourses.get(changed.institutionId) ?? [])]) touchCourse(c);
    }
  }
  let evaluated = 0;
  for (const [personId, years] of touched) {
    const record = persons.get(personId);
    if (!record) continue;
    if (folded.has(personId)) w.docs.push(['persons', personId, record]);
    writeYears(w, record, years, registry, rules);
    if (++evaluated % PERSONS_PER_TURN === 0) await new Promise(setImmediate);
  }
  return w;
}

// person_years holds the figures reports and lists need; the full explanation is evaluated from the
// person's record (folded from their stream) when asked for, which costs a read less than it costs
// a rebuild to store it. The line an employer's staff list shows is
// kept as JSON text in staff_lines: a page of it is one short range of the employer's index and a
// row per line, and reads no record and encodes nothing. A line is keyed by person and year, the
// order a rebuild writes them in; keyed by employer, each batch's lines would land on pages all over
// the key's b-tree, and every commit would write most of it again. The employer's index is built once
// a rebuild is over. The short ones' index holds their lines, so a page of only those is one range of it.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS person_years (
  person_id TEXT NOT NULL, year INTEGER NOT NULL, jurisdiction TEXT NOT NULL, employer_id TEXT NOT NULL,
  title_level TEXT NOT NULL, compliant INTEGER NOT NULL,
  counted_public REAL NOT NULL, counted_professional REAL NOT NULL, counted_elective REAL NOT NULL, counted_total REAL NOT NULL,
  certificate_no TEXT, certificate_status TEXT, awaiting_bureau INTEGER NOT NULL,
  PRIMARY KEY (person_id, year)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_years_report ON person_years (jurisdiction, year);
CREATE TABLE IF NOT EXISTS staff_lines (
  employer_id TEXT NOT NULL, year INTEGER NOT NULL, person_id TEXT NOT NULL, jurisdiction TEXT NOT NULL, compliant INTEGER NOT NULL, line TEXT NOT NULL,
  PRIMARY KEY (person_id, year));
CREATE INDEX IF NOT EXISTS staff_lines_employer ON staff_lines (employer_id, year, person_id);
CREATE INDEX IF NOT EXISTS staff_lines_short ON staff_lines (employer_id, year, person_id, line) WHERE compliant = 0;
CREATE INDEX IF NOT EXISTS person_years_unstamped ON person_years (jurisdiction, person_id, year) WHERE certificate_status = 'unstamped';
CREATE INDEX IF NOT EXISTS person_years_awaiting ON person_years (jurisdiction, person_id, year) WHERE awaiting_bureau > 0;
CREATE TABLE IF NOT EXISTS course_persons (course_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (course_id, person_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS industry_persons (jurisdiction TEXT NOT NULL, industry TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (jurisdiction, industry, person_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS institution_courses (institution_id TEXT NOT NULL, course_id TEXT NOT NULL, PRIMARY KEY (institution_id, course_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS certificates (certificate_no TEXT PRIMARY KEY, person_id TEXT NOT NULL, year INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verifications (certificate_no TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * Persons, their years as the rules judge them, their certificates and what public verification
 * reads: the read model most routes answer from. `rules` are the bureau's rule options.
 */
export function personYearsProjection(rules: RuleOptions = {}) {
  return defineProjection({
    name: PERSON_YEARS,
    version: 12,
    schema: SCHEMA,
    tables: ['person_years', 'staff_lines', 'course_persons', 'industry_persons', 'institution_courses', 'certificates', 'verifications'],
    retiredTables: ['persons'],
    documents: { registry: 'registry' },
    // A person's record is the fold of their stream: the events keep it, and a rebuild writes no copy.
    streamDocuments: { persons: { stream: streams.person, fold: personFromEvents } },
    // A catalogue change re-evaluates a jurisdiction's persons, found through this index.
    foldIndexes: ['person_years_report'],
    statements: {
      link: { insert: 'INSERT OR IGNORE INTO course_persons (course_id, person_id)', columns: 2, rowsPerCall: 50 },
      institutionCourse: 'INSERT OR IGNORE INTO institution_courses (institution_id, course_id) VALUES (?, ?)',
      industryPerson: 'INSERT OR IGNORE INTO industry_persons (jurisdiction, industry, person_id) VALUES (?, ?, ?)',
      year: `INSERT OR REPLACE INTO person_years (person_id, year, jurisdiction, employer_id, title_level, compliant,
         counted_public, counted_professional, counted_elective, counted_total, certificate_no, certificate_status, awaiting_bureau)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      // One line per person-year: a transfer's new line for a year replaces the one of the employer it leaves.
      staff: 'INSERT OR REPLACE INTO staff_lines (employer_id, year, person_id, jurisdiction, compliant, line) VALUES (?, ?, ?, ?, ?, ?)',
      certificate: 'INSERT OR REPLACE INTO certificates (certificate_no, person_id, year) VALUES (?, ?, ?)',
      verification: 'INSERT OR REPLACE INTO verifications (certificate_no, doc) VALUES (?, ?)',
    },
    handles: new Set<EventType>([...PERSON_EVENTS, ...REGISTRY_EVENTS]),
    load,
    apply: (events, loaded) => apply(rules, events, loaded),
    queries: (db, context) => new PersonYearQueries(db, rules, context),
    onCommit: (writes) => {
      const certificates = writes.rows.verification?.map((r) => r[0] as string);
      const registry = writes.docs.some(([collection]) => collection === 'registry');
      if (!certificates && !registry) return undefined;
      return (queries) => {
        if (certificates) queries.forget(certificates);
        if (registry) queries.forgetRegistry();
      };
    },
  });
}
