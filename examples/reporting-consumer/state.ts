import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { foldPerson, yearsOf } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { personYearState } from '../../projections/person-year-state.js';
import { emptyRegistry, foldRegistry } from '../../projections/registry.js';
import type { Jurisdiction } from '../../schemas/common.js';
import type { Registry } from '../../projections/registry.js';
import { decodeEvent } from '../../schemas/upcast.js';
import type { FeedItem } from '../../src/feed/entry.js';
import { GENESIS_HASH, recomputeHash } from '../../src/store/integrity.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chains (stream TEXT PRIMARY KEY, revision INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS persons (person_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS course_persons (course_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (course_id, person_id));
CREATE TABLE IF NOT EXISTS person_years (
  person_id TEXT NOT NULL, year INTEGER NOT NULL, jurisdiction TEXT NOT NULL, compliant INTEGER NOT NULL,
  hours_public REAL NOT NULL, hours_professional REAL NOT NULL, hours_elective REAL NOT NULL, hours_total REAL NOT NULL,
  PRIMARY KEY (person_id, year));
CREATE TABLE IF NOT EXISTS year_totals (
  jurisdiction TEXT NOT NULL, year INTEGER NOT NULL, persons INTEGER NOT NULL, compliant_persons INTEGER NOT NULL,
  hours_public REAL NOT NULL, hours_professional REAL NOT NULL, hours_elective REAL NOT NULL, hours_total REAL NOT NULL,
  PRIMARY KEY (jurisdiction, year));
`;

export class IntegrityError extends Error {
  constructor(item: FeedItem, reason: string) {
    super(`event ${item.position} (${item.stream}@${item.revision}): ${reason}`);
    this.name = 'IntegrityError';
  }
}

interface YearRow {
  jurisdiction: string;
  compliant: number;
  hours_public: number;
  hours_professional: number;
  hours_elective: number;
  hours_total: number;
}

/**
 * The consumer's own database: its projection (persons, course registry, person-years, the
 * year-totals table) and its position in the feed, written in one transaction per batch, so a
 * crash at any moment resumes from a position whose effects are all there and none beyond.
 */
export class ConsumerState {
  private readonly db: Db;
  private readonly registry: Registry;
  private readonly stmt: Record<string, Statement>;
  readonly applyBatch: (items: FeedItem[], scanned?: string) => void;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmt = {
      position: p('SELECT position FROM checkpoint WHERE id = 1').pluck(),
      setPosition: p('INSERT OR REPLACE INTO checkpoint (id, position) VALUES (1, ?)'),
      chain: p('SELECT revision, hash FROM chains WHERE stream = ?'),
      setChain: p('INSERT OR REPLACE INTO chains (stream, revision, hash) VALUES (?, ?, ?)'),
      setRegistry: p('INSERT OR REPLACE INTO registry (kind, id, doc) VALUES (?, ?, ?)'),
      person: p('SELECT doc FROM persons WHERE person_id = ?').pluck(),
      setPerson: p('INSERT OR REPLACE INTO persons (person_id, doc) VALUES (?, ?)'),
      link: p('INSERT OR IGNORE INTO course_persons (course_id, person_id) VALUES (?, ?)'),
      personsOf: p('SELECT person_id FROM course_persons WHERE course_id = ?').pluck(),
      year: p('SELECT * FROM person_years WHERE person_id = ? AND year = ?'),
      setYear: p('INSERT OR REPLACE INTO person_years VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      total: p('INSERT OR IGNORE INTO year_totals VALUES (?, ?, 0, 0, 0, 0, 0, 0)'),
      addTotal: p(`UPDATE year_totals SET persons = persons + ?, compliant_persons = compliant_persons + ?, hours_public = hours_public + ?,
        hours_professional = hours_professional + ?, hours_elective = hours_elective + ?, hours_total = hours_total + ? WHERE jurisdiction = ? AND year = ?`),
      dropEmpty: p('DELETE FROM year_totals WHERE persons = 0'),
    };
    this.registry = emptyRegistry();
    for (const { kind, id, doc } of p('SELECT kind, id, doc FROM registry').all() as { kind: string; id: string; doc: string }[]) {
      if (kind === 'institution') this.registry.institutions.set(id, JSON.parse(doc));
      else if (kind === 'catalogue') this.registry.catalogues.set(id as Jurisdiction, JSON.parse(doc));
      else if (kind === 'holidays') this.registry.calendar.record(JSON.parse(doc));
      else this.registry.courses.set(id, JSON.parse(doc));
    }
    this.applyBatch = this.db.transaction((items: FeedItem[], scanned?: string) => {
      for (const item of items) this.apply(item);
      const last = items.length > 0 ? items[items.length - 1]!.position : undefined;
      const position = scanned !== undefined && (last === undefined || BigInt(scanned) > BigInt(last)) ? scanned : last;
      if (position !== undefined) this.stmt.setPosition!.run(position);
      this.stmt.dropEmpty!.run();
    });
  }

  /** The feed position to resume after; undefined before the first event. */
  position(): string | undefined {
    return this.stmt.position!.get() as string | undefined;
  }

  yearTotals(): { jurisdiction: string; year: number; persons: number; compliantPersons: number; hoursPublic: number; hoursProfessional: number; hoursElective: number; hoursTotal: number }[] {
    return this.db
      .prepare(
        `SELECT jurisdiction, year, persons, compliant_persons AS compliantPersons, hours_public AS hoursPublic, hours_professional AS hoursProfessional,
           hours_elective AS hoursElective, hours_total AS hoursTotal FROM year_totals ORDER BY jurisdiction, year`,
      )
      .all() as never;
  }

  close(): void {
    this.db.close();
  }

  /** Checks the item against its stream's chain as received so far, then folds it. */
  private apply(item: FeedItem): void {
    this.checkChain(item);
    const decoded = decodeEvent({ type: item.type, data: item.data, metadata: item.metadata });
    if (!decoded) return;
    if (item.stream.startsWith('person-')) {
      const personId = item.stream.slice('person-'.length);
      const doc = this.stmt.person!.get(personId) as string | undefined;
      const { record, years } = foldPerson(doc ? (JSON.parse(doc) as PersonRecord) : undefined, decoded, BigInt(item.position));
      if (!record) return;
      this.stmt.setPerson!.run(personId, JSON.stringify(record));
      if (decoded.type === 'CompletionRecorded') this.stmt.link!.run(decoded.data.courseId, personId);
      this.evaluate(record, years);
      return;
    }
    const changed = foldRegistry(this.registry, decoded);
    if (!changed) return;
    const courses: string[] = [];
    if (changed.courseId) {
      this.stmt.setRegistry!.run('course', changed.courseId, JSON.stringify(this.registry.courses.get(changed.courseId)));
      courses.push(changed.courseId);
    }
    if (changed.institutionId) {
      this.stmt.setRegistry!.run('institution', changed.institutionId, JSON.stringify(this.registry.institutions.get(changed.institutionId)));
      for (const c of this.registry.courses.values()) if (c.institutionId === changed.institutionId) courses.push(c.courseId);
    }
    // A course or base changed: every person with a completion of it is judged again.
    const persons = new Set(courses.flatMap((c) => this.stmt.personsOf!.all(c) as string[]));
    for (const personId of persons) {
      const record = JSON.parse(this.stmt.person!.get(personId) as string) as PersonRecord;
      this.evaluate(record, yearsOf(record));
    }
    // The bureau's own data (a catalogue, a holiday table) moves the years of many persons: judge them again.
    if (changed.catalogue) this.stmt.setRegistry!.run('catalogue', changed.catalogue, JSON.stringify(this.registry.catalogues.get(changed.catalogue)));
    if (changed.holidayYear !== undefined) {
      this.stmt.setRegistry!.run('holidays', String(changed.holidayYear), JSON.stringify(this.registry.calendar.tables().find((t) => t.year === changed.holidayYear)));
    }
    if (changed.catalogue || changed.holidayYear !== undefined) {
      for (const doc of this.db.prepare('SELECT doc FROM persons').pluck().all() as string[]) {
        const record = JSON.parse(doc) as PersonRecord;
        this.evaluate(record, yearsOf(record));
      }
    }
  }

  private checkChain(item: FeedItem): void {
    const hash = recomputeHash({ ...item, streamId: item.stream, revision: BigInt(item.revision), position: BigInt(item.position) });
    if (hash !== item.hash) throw new IntegrityError(item, 'the hash does not match the content');
    const revision = Number(item.revision);
    const prev = this.stmt.chain!.get(item.stream) as { revision: number; hash: string } | undefined;
    if (prev && revision === prev.revision + 1 && item.prevHash !== prev.hash) throw new IntegrityError(item, 'prevHash is not the hash of the event before');
    if (prev && revision <= prev.revision) throw new IntegrityError(item, `revision ${revision} again (had ${prev.revision})`);
    if (revision === 0 && item.prevHash !== GENESIS_HASH) throw new IntegrityError(item, 'the first event of a stream must link to the genesis hash');
    // A jump (revision > prev + 1) is a stretch the scope left out, e.g. while a person was elsewhere.
    this.stmt.setChain!.run(item.stream, revision, item.hash);
  }

  /** Re-evaluates the person's years and moves the difference into the year totals. */
  private evaluate(record: PersonRecord, years: Iterable<number>): void {
    for (const year of years) {
      const { evaluation } = personYearState(record, this.registry, year);
      const n = evaluation.counted;
      const next: YearRow = {
        jurisdiction: evaluation.jurisdiction,
        compliant: evaluation.compliant ? 1 : 0,
        hours_public: n.public,
        hours_professional: n.professional,
        hours_elective: n.elective,
        hours_total: n.total,
      };
      const prev = this.stmt.year!.get(record.personId, year) as YearRow | undefined;
      if (prev) this.addTotal(prev, year, -1);
      this.addTotal(next, year, 1);
      this.stmt.setYear!.run(record.personId, year, next.jurisdiction, next.compliant, n.public, n.professional, n.elective, n.total);
    }
  }

  private addTotal(r: YearRow, year: number, sign: 1 | -1): void {
    this.stmt.total!.run(r.jurisdiction, year);
    this.stmt.addTotal!.run(sign, sign * r.compliant, sign * r.hours_public, sign * r.hours_professional, sign * r.hours_elective, sign * r.hours_total, r.jurisdiction, year);
  }
}
