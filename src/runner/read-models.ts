import type { Database as Db, Statement } from 'better-sqlite3';
import { certificateStatus } from '../../projections/certificate-state.js';
import type { CertificateView } from '../../projections/certificate-state.js';
import type { CertificateRecord, PersonRecord } from '../../projections/person.js';
import { personYearState } from '../../projections/person-year-state.js';
import type { Registry } from '../../projections/registry.js';
import type { ReportInput } from '../../projections/reports.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { Evaluation } from '../rules/types.js';
import type { VerificationDoc } from '../certificates/verify.js';

const VERIFICATION_CACHE = 100_000;

export interface PersonYearRow {
  personId: string;
  year: number;
  jurisdiction: string;
  employerId: string;
  titleLevel: string;
  compliant: boolean;
  counted: { public: number; professional: number; elective: number; total: number };
  certificate?: CertificateView;
  evaluation: Evaluation;
}

interface RawPersonYear {
  person_id: string;
  year: number;
  jurisdiction: string;
  employer_id: string;
  title_level: string;
  compliant: number;
  counted_public: number;
  counted_professional: number;
  counted_elective: number;
  counted_total: number;
  certificate_status: string | null;
}

/** What the read side evaluates a person-year against: the folded registry and the rule options. */
export interface EvaluationContext {
  registry: Registry;
  rules?: RuleOptions;
}

/** Reads of the read-model database, for the HTTP layer. Nothing here writes. */
export class ReadModels {
  private readonly stmt: Record<'person' | 'personYear' | 'personYears' | 'report' | 'certificate' | 'checkpoint' | 'verification', Statement>;
  /** Verification lookups are the public hot path: the last ones stay parsed in memory. */
  private readonly verifications = new Map<string, VerificationDoc | null>();
  /** The leaf of an event in the verifiable log, where there is one: verification answers show the issue event's. */
  leafIndexOf: ((position: bigint) => number | undefined) | undefined;

  constructor(
    private readonly db: Db,
    private readonly context: EvaluationContext,
  ) {
    this.stmt = {
      person: db.prepare('SELECT doc FROM persons WHERE person_id = ?'),
      personYear: db.prepare('SELECT * FROM person_years WHERE person_id = ? AND year = ?'),
      personYears: db.prepare('SELECT * FROM person_years WHERE person_id = ? ORDER BY year'),
      report: db.prepare(
        `SELECT person_id AS personId, employer_id AS employerId, title_level AS titleLevel, compliant,
           counted_public AS pub, counted_professional AS prof, counted_elective AS elec, counted_total AS total
         FROM person_years WHERE jurisdiction = ? AND year = ? ORDER BY person_id`,
      ),
      certificate: db.prepare('SELECT person_id AS personId, year FROM certificates WHERE certificate_no = ?'),
      checkpoint: db.prepare('SELECT position FROM checkpoint WHERE id = 1'),
      verification: db.prepare('SELECT doc FROM verifications WHERE certificate_no = ?').pluck(),
    };
  }

  checkpoint(): bigint {
    const row = this.stmt.checkpoint.get() as { position: string } | undefined;
    return row ? BigInt(row.position) : -1n;
  }

  person(personId: string): PersonRecord | undefined {
    const row = this.stmt.person.get(personId) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as PersonRecord) : undefined;
  }

  /** A person-year's figures with its explanation, evaluated from the stored record. */
  personYear(personId: string, year: number): PersonYearRow | undefined {
    const row = this.stmt.personYear.get(personId, year) as RawPersonYear | undefined;
    const record = row && this.person(personId);
    return row && record ? this.toRow(row, record) : undefined;
  }

  personYears(personId: string): PersonYearRow[] {
    const rows = this.stmt.personYears.all(personId) as RawPersonYear[];
    const record = rows.length > 0 ? this.person(personId) : undefined;
    return record ? rows.map((r) => this.toRow(r, record)) : [];
  }

  private toRow(r: RawPersonYear, record: PersonRecord): PersonYearRow {
    const { evaluation, current } = personYearState(record, this.context.registry, r.year, this.context.rules);
    return {
      personId: r.person_id,
      year: r.year,
      jurisdiction: r.jurisdiction,
      employerId: r.employer_id,
      titleLevel: r.title_level,
      compliant: r.compliant === 1,
      counted: { public: r.counted_public, professional: r.counted_professional, elective: r.counted_elective, total: r.counted_total },
      ...(current ? { certificate: current.view } : {}),
      evaluation,
    };
  }

  /** What the report fold needs of every person-year of a jurisdiction and year, ordered by person. */
  reportInputs(jurisdiction: string, year: number): ReportInput[] {
    type Raw = { personId: string; employerId: string; titleLevel: string; compliant: number; pub: number; prof: number; elec: number; total: number };
    return (this.stmt.report.all(jurisdiction, year) as Raw[]).map((r) => ({
      personId: r.personId,
      employerId: r.employerId,
      titleLevel: r.titleLevel,
      compliant: r.compliant === 1,
      counted: { public: r.pub, professional: r.prof, elective: r.elec, total: r.total },
    }));
  }

  certificateOwner(certificateNumber: string): { personId: string; year: number } | undefined {
    return this.stmt.certificate.get(certificateNumber) as { personId: string; year: number } | undefined;
  }

  /** What the public verification of a certificate needs, or undefined when there is none. */
  verification(certificateNumber: string): VerificationDoc | undefined {
    let doc = this.verifications.get(certificateNumber);
    if (doc === undefined) {
      const text = this.stmt.verification.get(certificateNumber) as string | undefined;
      doc = text ? (JSON.parse(text) as VerificationDoc) : null;
      const leafIndex = doc?.issuePosition !== undefined ? this.leafIndexOf?.(BigInt(doc.issuePosition)) : undefined;
      if (doc && leafIndex !== undefined) doc.certificate = { ...doc.certificate, log: { position: doc.issuePosition!, leafIndex } };
      // Until the log has the issue event, the answer is not kept: the next one may carry its leaf.
      else if (doc && this.leafIndexOf) return doc;
      if (this.verifications.size >= VERIFICATION_CACHE) this.verifications.clear();
      this.verifications.set(certificateNumber, doc);
    }
    return doc ?? undefined;
  }

  /** Drops cached verifications the projector just changed. */
  forget(certificateNumbers: readonly string[]): void {
    for (const n of certificateNumbers) this.verifications.delete(n);
  }

  /** A certificate with its holder's record and its state against the year's current evaluation. */
  certificate(certificateNumber: string): { record: PersonRecord; cert: CertificateRecord; status: CertificateView } | undefined {
    const owner = this.certificateOwner(certificateNumber);
    const record = owner ? this.person(owner.personId) : undefined;
    const cert = record?.certificates[certificateNumber];
    if (!owner || !record || !cert) return undefined;
    const { evaluation } = personYearState(record, this.context.registry, owner.year, this.context.rules);
    return { record, cert, status: certificateStatus(cert, evaluation) };
  }
}
