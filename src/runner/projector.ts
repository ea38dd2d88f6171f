import type { Database as Db, Statement } from 'better-sqlite3';
import { certificateStatus, currentCertificate } from '../../projections/certificate-state.js';
import type { CertificateView } from '../../projections/certificate-state.js';
import { foldPerson, yearsOf } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { employerInYear, personYearFacts } from '../../projections/person-year-facts.js';
import { emptyRegistry, foldRegistry } from '../../projections/registry.js';
import type { Registry } from '../../projections/registry.js';
import { decodeTrusted } from '../../schemas/upcast.js';
import { evaluate } from '../rules/evaluate.js';
import { verificationDoc } from '../certificates/verify.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { RecordedEvent } from '../store/port.js';

const PERSON_PREFIX = 'person-';

/**
 * Folds batches of events into the read models: one SQLite transaction per batch writes the touched
 * persons, their re-evaluated years and the checkpoint together, so a crash never counts an event
 * twice or half. The course and institution registry stays in memory (it is small) and is persisted
 * with the batch; persons are loaded from the database when a batch touches them.
 */
export class Projector {
  readonly registry: Registry = emptyRegistry();
  private readonly stmt: Record<string, Statement>;
  private readonly applyBatch: (events: RecordedEvent[]) => void;
  private position: bigint;
  private changedCertificates: string[] = [];
  /** Called after each committed batch with the certificates whose verification changed. */
  onCertificatesChanged: (numbers: string[]) => void = () => {};

  constructor(
    private readonly db: Db,
    private readonly options: RuleOptions = {},
  ) {
    this.stmt = {
      loadRegistry: db.prepare('SELECT kind, doc FROM registry'),
      saveRegistry: db.prepare('INSERT OR REPLACE INTO registry (kind, id, doc) VALUES (?, ?, ?)'),
      loadPerson: db.prepare('SELECT doc FROM persons WHERE person_id = ?'),
      savePerson: db.prepare('INSERT OR REPLACE INTO persons (person_id, doc) VALUES (?, ?)'),
      saveYear: db.prepare(
        `INSERT OR REPLACE INTO person_years (person_id, year, jurisdiction, employer_id, title_level, compliant,
           counted_public, counted_professional, counted_elective, counted_total, certificate_no, certificate_status, evaluation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      linkCourse: db.prepare('INSERT OR IGNORE INTO course_persons (course_id, person_id) VALUES (?, ?)'),
      personsOfCourse: db.prepare('SELECT person_id FROM course_persons WHERE course_id = ?').pluck(),
      saveCertificate: db.prepare('INSERT OR REPLACE INTO certificates (certificate_no, person_id, year) VALUES (?, ?, ?)'),
      saveVerification: db.prepare('INSERT OR REPLACE INTO verifications (certificate_no, doc) VALUES (?, ?)'),
      checkpoint: db.prepare('INSERT OR REPLACE INTO checkpoint (id, position) VALUES (1, ?)'),
      readCheckpoint: db.prepare('SELECT position FROM checkpoint WHERE id = 1').pluck(),
    };
    for (const row of this.stmt.loadRegistry!.all() as { kind: string; doc: string }[]) {
      const doc = JSON.parse(row.doc);
      if (row.kind === 'institution') this.registry.institutions.set(doc.institutionId, doc);
      else this.registry.courses.set(doc.courseId, doc);
    }
    const saved = this.stmt.readCheckpoint!.get() as string | undefined;
    this.position = saved === undefined ? -1n : BigInt(saved);
    this.applyBatch = db.transaction((events: RecordedEvent[]) => this.fold(events));
  }

  /** Position of the last event folded (-1n before any). */
  get checkpoint(): bigint {
    return this.position;
  }

  apply(events: RecordedEvent[]): void {
    const fresh = events.filter((e) => e.position > this.position);
    if (fresh.length === 0) return;
    this.changedCertificates = [];
    this.applyBatch(fresh);
    if (this.changedCertificates.length > 0) this.onCertificatesChanged(this.changedCertificates);
  }

  private fold(events: RecordedEvent[]): void {
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
        if (decoded.type === 'CompletionRecorded') this.stmt.linkCourse!.run(decoded.data.courseId, personId);
        continue;
      }
      const changed = foldRegistry(this.registry, decoded);
      if (!changed) continue;
      if (changed.courseId) {
        this.stmt.saveRegistry!.run('course', changed.courseId, JSON.stringify(this.registry.courses.get(changed.courseId)));
        for (const personId of this.stmt.personsOfCourse!.all(changed.courseId) as string[]) touch(personId, 'all');
      }
      if (changed.institutionId) {
        this.stmt.saveRegistry!.run('institution', changed.institutionId, JSON.stringify(this.registry.institutions.get(changed.institutionId)));
        for (const c of this.registry.courses.values()) {
          if (c.institutionId !== changed.institutionId) continue;
          for (const personId of this.stmt.personsOfCourse!.all(c.courseId) as string[]) touch(personId, 'all');
        }
      }
    }
    for (const [personId, years] of touched) {
      const record = persons.get(personId);
      if (!record) continue;
      this.stmt.savePerson!.run(personId, JSON.stringify(record));
      for (const year of years) this.saveYear(record, year);
    }
    this.position = events[events.length - 1]!.position;
    this.stmt.checkpoint!.run(this.position.toString());
  }

  private person(cache: Map<string, PersonRecord | undefined>, personId: string): PersonRecord | undefined {
    if (cache.has(personId)) return cache.get(personId);
    const doc = this.stmt.loadPerson!.get(personId) as { doc: string } | undefined;
    const record = doc ? (JSON.parse(doc.doc) as PersonRecord) : undefined;
    cache.set(personId, record);
    return record;
  }

  private saveYear(record: PersonRecord, year: number): void {
    const evaluation = evaluate(personYearFacts(record, this.registry, year), this.options);
    const cert = currentCertificate(record, year);
    const certificate: CertificateView | undefined = cert ? certificateStatus(cert, evaluation) : undefined;
    for (const c of Object.values(record.certificates)) {
      if (c.year !== year) continue;
      this.stmt.saveCertificate!.run(c.certificateNumber, record.personId, year);
      this.stmt.saveVerification!.run(c.certificateNumber, JSON.stringify(verificationDoc(record, c, certificateStatus(c, evaluation))));
      this.changedCertificates.push(c.certificateNumber);
    }
    const c = evaluation.counted;
    this.stmt.saveYear!.run(
      record.personId,
      year,
      evaluation.jurisdiction,
      employerInYear(record, year),
      evaluation.titleLevel,
      evaluation.compliant ? 1 : 0,
      c.public,
      c.professional,
      c.elective,
      c.total,
      cert?.certificateNumber ?? null,
      certificate?.status ?? null,
      JSON.stringify(certificate ? { ...evaluation, certificate } : evaluation),
    );
  }
}
