import type { Database as Db } from 'better-sqlite3';
import type { Jurisdiction } from '../../schemas/common.js';
import { certificateStatus } from '../../projections/certificate-state.js';
import type { PersonRecord } from '../../projections/person.js';
import { employerInYear } from '../../projections/person-year-facts.js';
import { personYearState } from '../../projections/person-year-state.js';
import { emptyRegistry } from '../../projections/registry.js';
import type { Registry } from '../../projections/registry.js';
import { verificationDoc } from '../certificates/verify.js';
import type { RuleOptions } from '../rules/rule-set.js';

/** Links go in many to a statement: one call per link cost as much as the insert itself. */
const LINKS_PER_INSERT = 50;

type RegistryRow = [kind: 'course' | 'institution' | 'catalogue' | 'holidays', id: string, doc: string];

/** One row of `person_years`, in column order. */
export type YearRow = [
  personId: string,
  year: number,
  jurisdiction: string,
  employerId: string,
  titleLevel: string,
  compliant: 0 | 1,
  countedPublic: number,
  countedProfessional: number,
  countedElective: number,
  countedTotal: number,
  certificateNo: string | null,
  certificateStatus: string | null,
];

/**
 * Everything one folded batch changes in the read models, already serialised into plain arrays of
 * strings and numbers, so that a batch can be committed in this thread or handed to the writer thread.
 */
export interface ReadModelWrites {
  registry: RegistryRow[];
  links: [courseId: string, personId: string][];
  persons: [personId: string, doc: string][];
  years: YearRow[];
  certificates: [certificateNo: string, personId: string, year: number][];
  verifications: [certificateNo: string, doc: string][];
  /** Position of the batch's last event, as a decimal string. */
  checkpoint: string;
}

export function emptyWrites(checkpoint: string): ReadModelWrites {
  return { registry: [], links: [], persons: [], years: [], certificates: [], verifications: [], checkpoint };
}

/** Evaluates a person's years against the registry into the rows the read models keep of them. */
export function writeYears(w: ReadModelWrites, record: PersonRecord, years: Iterable<number>, registry: Registry, rules: RuleOptions): void {
  for (const year of years) {
    const { evaluation, current } = personYearState(record, registry, year, rules);
    for (const c of Object.values(record.certificates)) {
      if (c.year !== year) continue;
      w.certificates.push([c.certificateNumber, record.personId, year]);
      const view = c === current?.record ? current.view : certificateStatus(c, evaluation);
      w.verifications.push([c.certificateNumber, JSON.stringify(verificationDoc(record, c, view))]);
    }
    const n = evaluation.counted;
    w.years.push([
      record.personId,
      year,
      evaluation.jurisdiction,
      employerInYear(record, year),
      evaluation.titleLevel,
      evaluation.compliant ? 1 : 0,
      n.public,
      n.professional,
      n.elective,
      n.total,
      current?.record.certificateNumber ?? null,
      current?.view.status ?? null,
    ]);
  }
}

/** The registry as committed in the read models. */
export function loadRegistry(db: Db): Registry {
  const registry = emptyRegistry();
  for (const [kind, id, doc] of db.prepare('SELECT kind, id, doc FROM registry').raw(true).all() as RegistryRow[]) {
    if (kind === 'institution') registry.institutions.set(id, JSON.parse(doc));
    else if (kind === 'catalogue') registry.catalogues.set(id as Jurisdiction, JSON.parse(doc));
    else if (kind === 'holidays') registry.calendar.record(JSON.parse(doc));
    else registry.courses.set(id, JSON.parse(doc));
  }
  return registry;
}

/** Commits a batch's writes and its checkpoint in one transaction: all of a batch or none of it. */
export function readModelWriter(db: Db): (w: ReadModelWrites) => void {
  const stmt = {
    registry: db.prepare('INSERT OR REPLACE INTO registry (kind, id, doc) VALUES (?, ?, ?)'),
    link: db.prepare('INSERT OR IGNORE INTO course_persons (course_id, person_id) VALUES (?, ?)'),
    links: db.prepare(`INSERT OR IGNORE INTO course_persons (course_id, person_id) VALUES ${Array(LINKS_PER_INSERT).fill('(?, ?)').join(', ')}`),
    person: db.prepare('INSERT OR REPLACE INTO persons (person_id, doc) VALUES (?, ?)'),
    year: db.prepare(
      `INSERT OR REPLACE INTO person_years (person_id, year, jurisdiction, employer_id, title_level, compliant,
         counted_public, counted_professional, counted_elective, counted_total, certificate_no, certificate_status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    certificate: db.prepare('INSERT OR REPLACE INTO certificates (certificate_no, person_id, year) VALUES (?, ?, ?)'),
    verification: db.prepare('INSERT OR REPLACE INTO verifications (certificate_no, doc) VALUES (?, ?)'),
    checkpoint: db.prepare('INSERT OR REPLACE INTO checkpoint (id, position) VALUES (1, ?)'),
  };
  return db.transaction((w: ReadModelWrites) => {
    for (const row of w.registry) stmt.registry.run(row);
    let i = 0;
    for (; i + LINKS_PER_INSERT <= w.links.length; i += LINKS_PER_INSERT) stmt.links.run(w.links.slice(i, i + LINKS_PER_INSERT).flat());
    for (; i < w.links.length; i++) stmt.link.run(w.links[i]);
    for (const row of w.persons) stmt.person.run(row);
    for (const row of w.years) stmt.year.run(row);
    for (const row of w.certificates) stmt.certificate.run(row);
    for (const row of w.verifications) stmt.verification.run(row);
    stmt.checkpoint.run(w.checkpoint);
  });
}
