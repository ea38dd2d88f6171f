import type { Database as Db, Statement } from 'better-sqlite3';
import { foldPerson, yearsOf } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { foldRegistry } from '../../projections/registry.js';
import type { Registry } from '../../projections/registry.js';
import { decodeTrusted } from '../../schemas/upcast.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { ProjectedEvent } from '../store/port.js';
import { emptyWrites, loadRegistry, readModelWriter, writeYears } from './read-model-writes.js';
import type { ReadModelWrites } from './read-model-writes.js';

const PERSON_PREFIX = 'person-';

/** A folded batch whose writes are not yet committed. */
export interface PreparedBatch {
  readonly seq: number;
  readonly writes: ReadModelWrites;
}

/**
 * Folds batches of events into the read models. Each batch becomes one set of writes (touched
 * persons, their re-evaluated years, links, certificates and the checkpoint) committed in one
 * transaction, so a crash never counts an event twice or half. The course and institution registry
 * stays in memory (it is small) and is persisted with the batch; persons are loaded from the
 * database when a batch touches them.
 *
 * `apply` folds and commits in this thread. A catch-up may instead `prepare` a batch, commit its
 * writes elsewhere (the writer thread) and report it `committed`; until then the persons and links
 * it wrote are kept here, so the next batches fold on top of them and not on the older rows.
 */
export class Projector {
  readonly registry: Registry;
  private readonly stmt: Record<'loadPerson' | 'personsOfCourse' | 'personsOfJurisdiction' | 'personsOfYears', Statement>;
  private readonly write: (w: ReadModelWrites) => void;
  private foldedTo: bigint;
  private durable: bigint;
  private seq = 0;
  private readonly pendingPersons = new Map<string, { record: PersonRecord; seq: number }>();
  private readonly pendingLinks = new Map<number, ReadModelWrites['links']>();
  /**
   * While folding into read models that started empty: every person written so far. Anyone else is
   * new, which spares a rebuild one lookup per person. Dropped once caught up (`caughtUp`).
   */
  private written: Set<string> | undefined;
  /** Called after each committed batch with the certificates whose verification changed. */
  onCertificatesChanged: (numbers: string[]) => void = () => {};

  constructor(
    private readonly db: Db,
    readonly rules: RuleOptions = {},
  ) {
    this.stmt = {
      loadPerson: db.prepare('SELECT doc FROM persons WHERE person_id = ?').pluck(),
      personsOfCourse: db.prepare('SELECT person_id FROM course_persons WHERE course_id = ?').pluck(),
      personsOfJurisdiction: db.prepare('SELECT DISTINCT person_id FROM person_years WHERE jurisdiction = ?').pluck(),
      personsOfYears: db.prepare('SELECT DISTINCT person_id FROM person_years WHERE year BETWEEN ? AND ?').pluck(),
    };
    this.registry = loadRegistry(db);
    const saved = db.prepare('SELECT position FROM checkpoint WHERE id = 1').pluck().get() as string | undefined;
    this.foldedTo = this.durable = saved === undefined ? -1n : BigInt(saved);
    if (saved === undefined) this.written = new Set();
    this.write = readModelWriter(db);
  }

  /** Position of the last event whose read models are committed (-1n before any). */
  get checkpoint(): bigint {
    return this.durable;
  }

  /** Position of the last event folded (-1n before any); its batch may still be being written. */
  get folded(): bigint {
    return this.foldedTo;
  }

  /** Folds and commits in this thread. */
  apply(events: ProjectedEvent[]): void {
    const batch = this.prepare(events);
    if (!batch) return;
    this.write(batch.writes);
    this.committed(batch);
  }

  /** Folds events not folded yet into a batch of writes, or undefined when there are none. */
  prepare(events: ProjectedEvent[]): PreparedBatch | undefined {
    const fresh = events.filter((e) => e.position > this.foldedTo);
    if (fresh.length === 0) return undefined;
    const last = fresh[fresh.length - 1]!.position;
    const batch: PreparedBatch = { seq: this.seq++, writes: emptyWrites(last.toString()) };
    this.fold(fresh, batch);
    this.foldedTo = last;
    return batch;
  }

  /** The catch-up is over: from now on persons not in a pending batch are looked up. */
  caughtUp(): void {
    this.written = undefined;
  }

  /** The batch's writes are committed: the read models now answer for it. Called in `prepare` order. */
  committed(batch: PreparedBatch): void {
    for (const [personId, p] of this.pendingPersons) if (p.seq === batch.seq) this.pendingPersons.delete(personId);
    this.pendingLinks.delete(batch.seq);
    this.durable = BigInt(batch.writes.checkpoint);
    // Every certificate whose verification the batch changed is one of its verification rows.
    if (batch.writes.verifications.length > 0) this.onCertificatesChanged(batch.writes.verifications.map(([no]) => no));
  }

  private fold(events: ProjectedEvent[], batch: PreparedBatch): void {
    const w = batch.writes;
    const persons = new Map<string, PersonRecord | undefined>();
    const touched = new Map<string, Set<number>>();
    const touch = (personId: string, years: number[] | 'all') => {
      let set = touched.get(personId);
      if (!set) touched.set(personId, (set = new Set()));
      const record = this.person(persons, personId);
      for (const y of years === 'all' ? (record ? yearsOf(record) : []) : years) set.add(y);
    };
    for (const e of events) {
      const decoded = decodeTrusted(e);
      if (!decoded) continue;
      if (e.streamId.startsWith(PERSON_PREFIX)) {
        const personId = e.streamId.slice(PERSON_PREFIX.length);
        const { record, years } = foldPerson(this.person(persons, personId), decoded, e.position);
        persons.set(personId, record);
        if (record) touch(personId, years);
        if (decoded.type === 'CompletionRecorded') w.links.push([decoded.data.courseId, personId]);
        continue;
      }
      const changed = foldRegistry(this.registry, decoded);
      if (!changed) continue;
      if (changed.courseId) {
        w.registry.push(['course', changed.courseId, JSON.stringify(this.registry.courses.get(changed.courseId))]);
        for (const personId of this.personsOfCourse(changed.courseId, w.links)) touch(personId, 'all');
      }
      if (changed.catalogue) {
        const j = changed.catalogue;
        w.registry.push(['catalogue', j, JSON.stringify(this.registry.catalogues.get(j))]);
        for (const personId of this.personsMatching(this.stmt.personsOfJurisdiction.all(j) as string[], persons, (p) => p.jurisdiction === j || p.transfers.some((t) => t.fromJurisdiction === j))) touch(personId, 'all');
      }
      if (changed.holidayYear !== undefined) {
        // A year's holidays move the working days of its own entries and of the previous year's last ones.
        const y = changed.holidayYear;
        w.registry.push(['holidays', String(y), JSON.stringify(this.registry.calendar.tables().find((t) => t.year === y))]);
        const inYears = (p: PersonRecord) => yearsOf(p).some((n) => n === y || n === y - 1);
        for (const personId of this.personsMatching(this.stmt.personsOfYears.all(y - 1, y) as string[], persons, inYears)) touch(personId, 'all');
      }
      if (changed.institutionId) {
        w.registry.push(['institution', changed.institutionId, JSON.stringify(this.registry.institutions.get(changed.institutionId))]);
        for (const c of this.registry.courses.values()) {
          if (c.institutionId !== changed.institutionId) continue;
          for (const personId of this.personsOfCourse(c.courseId, w.links)) touch(personId, 'all');
        }
      }
    }
    for (const [personId, years] of touched) {
      const record = persons.get(personId);
      if (!record) continue;
      w.persons.push([personId, JSON.stringify(record)]);
      this.written?.add(personId);
      this.pendingPersons.set(personId, { record, seq: batch.seq });
      writeYears(w, record, years, this.registry, this.rules);
    }
    if (w.links.length > 0) this.pendingLinks.set(batch.seq, w.links);
  }

  private person(cache: Map<string, PersonRecord | undefined>, personId: string): PersonRecord | undefined {
    if (cache.has(personId)) return cache.get(personId);
    const pending = this.pendingPersons.get(personId)?.record;
    const stored = !pending && (this.written === undefined || this.written.has(personId));
    const doc = stored ? (this.stmt.loadPerson.get(personId) as string | undefined) : undefined;
    const record = pending ?? (doc ? (JSON.parse(doc) as PersonRecord) : undefined);
    cache.set(personId, record);
    return record;
  }

  /** Committed persons of a query, and those of batches still being written and of this one that match. */
  private personsMatching(committed: string[], current: Map<string, PersonRecord | undefined>, match: (p: PersonRecord) => boolean): Set<string> {
    const ids = new Set(committed);
    for (const [personId, p] of this.pendingPersons) if (match(p.record)) ids.add(personId);
    for (const [personId, p] of current) if (p && match(p)) ids.add(personId);
    return ids;
  }

  /** Persons with a completion of the course: committed, in batches still being written, and in this one. */
  private personsOfCourse(courseId: string, current: ReadModelWrites['links']): Set<string> {
    const ids = new Set(this.stmt.personsOfCourse.all(courseId) as string[]);
    for (const links of [...this.pendingLinks.values(), current]) for (const [c, p] of links) if (c === courseId) ids.add(p);
    return ids;
  }
}
