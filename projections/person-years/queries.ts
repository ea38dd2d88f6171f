import type { Database as Db, Statement } from 'better-sqlite3';
import type { VerificationDoc } from '../../src/certificates/verify.js';
import type { RuleOptions } from '../../src/rules/rule-set.js';
import type { CreditOutcome, Evaluation, ReviewFact } from '../../src/rules/types.js';
import { certificateStatus } from '../certificate-state.js';
import type { CertificateView } from '../certificate-state.js';
import { streams } from '../../src/domain/streams.js';
import type { QueryContext } from '../define.js';
import { creditYear, personFromEvents } from '../person.js';
import type { CertificateRecord, PersonRecord } from '../person.js';
import { personYearState } from '../person-year-state.js';
import type { Jurisdiction } from '../../schemas/common.js';
import type { WorkingCalendar } from '../../src/rules/calendar.js';
import type { Catalogue } from '../../src/rules/catalogue.js';
import type { RosterEntry } from '../courses.js';
import { calendarOf, HOLIDAYS_KEY } from '../holidays.js';
import { daysLate } from '../late-entries.js';
import type { HolidayDoc } from '../holidays.js';
import { emptyRegistry, industryKey, jurisdictionsOf } from '../registry.js';
import type { IndustryRuleSet, Registry, RegistryCourse, RegistryInstitution } from '../registry.js';
import type { ReportInput } from '../reports.js';
import { selectJsonPage, selectPage } from '../paging.js';
import type { Condition, CursorKey, JsonPage, Page } from '../paging.js';
import type { StaffMember } from './staff.js';
import { awaitingBureau } from './writes.js';

const VERIFICATION_CACHE = 100_000;
/** The projection these queries read: its checkpoint is the position its tables answer for. */
export const PERSON_YEARS = 'person-years';

export interface PersonYearRow {
  personId: string;
  name: string;
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

/** Reads of the person-years read model, for the HTTP layer. Nothing here writes. */
/** Which of an employer's staff a list shows: only those short (or only those not), only one jurisdiction's. */
export interface StaffFilter {
  compliant?: boolean;
  jurisdiction?: string;
}

export class PersonYearQueries {
  private readonly stmt: Record<'position' | 'personYear' | 'personYears' | 'report' | 'certificate' | 'verification' | 'registry', Statement>;
  /** Verification lookups are the public hot path: the last ones stay parsed in memory. */
  private readonly verifications = new Map<string, VerificationDoc | null>();
  /** The leaf of an event in the verifiable log, where there is one: verification answers show the issue event's. */
  leafIndexOf: ((position: bigint) => number | undefined) | undefined;
  /** Courses and institutions, parsed once: few, small, and read by every evaluation. */
  private registryCache = new Map<string, RegistryCourse | RegistryInstitution | Catalogue | HolidayDoc | null>();

  constructor(
    private readonly db: Db,
    private readonly rules: RuleOptions = {},
    private readonly context?: QueryContext,
  ) {
    this.stmt = {
      position: db.prepare('SELECT position FROM projections WHERE name = ?').pluck(),
      personYear: db.prepare('SELECT * FROM person_years WHERE person_id = ? AND year = ?'),
      personYears: db.prepare('SELECT * FROM person_years WHERE person_id = ? ORDER BY year'),
      report: db.prepare(
        `SELECT person_id AS personId, employer_id AS employerId, title_level AS titleLevel, compliant,
           counted_public AS pub, counted_professional AS prof, counted_elective AS elec, counted_total AS total
         FROM person_years WHERE jurisdiction = ? AND year = ? ORDER BY person_id`,
      ),
      certificate: db.prepare('SELECT person_id AS personId, year FROM certificates WHERE certificate_no = ?'),
      verification: db.prepare('SELECT doc FROM verifications WHERE certificate_no = ?').pluck(),
      registry: db.prepare('SELECT doc FROM registry WHERE id = ?').pluck(),
    };
  }

  private registryDoc<T extends RegistryCourse | RegistryInstitution | Catalogue | HolidayDoc>(key: string): T | undefined {
    let doc = this.registryCache.get(key);
    if (doc === undefined) {
      const text = this.stmt.registry.get(key) as string | undefined;
      doc = text ? (JSON.parse(text) as T) : null;
      this.registryCache.set(key, doc);
    }
    return (doc ?? undefined) as T | undefined;
  }

  /** The courses and institutions a person's credits name. */
  registryFor(record: PersonRecord): Registry {
    const registry = emptyRegistry();
    for (const c of Object.values(record.credits)) {
      if (c.source !== 'completion' || registry.courses.has(c.courseId)) continue;
      const course = this.registryDoc<RegistryCourse>(`course:${c.courseId}`);
      if (!course) continue;
      registry.courses.set(c.courseId, course);
      const institution = this.registryDoc<RegistryInstitution>(`institution:${course.institutionId}`);
      if (institution) registry.institutions.set(course.institutionId, institution);
    }
    for (const j of new Set([record.jurisdiction, ...record.transfers.flatMap((t) => [t.fromJurisdiction, t.toJurisdiction])])) {
      const catalogue = this.catalogue(j);
      if (catalogue) registry.catalogues.set(j, catalogue);
    }
    registry.calendar = this.calendar();
    if (record.industry) {
      for (const j of jurisdictionsOf(record)) {
        const sets = this.registryDoc<RegistryCourse>(`industry:${industryKey(j, record.industry)}`) as unknown as IndustryRuleSet[] | undefined;
        if (sets) (registry.industryRules ??= new Map()).set(industryKey(j, record.industry), sets);
      }
    }
    return registry;
  }

  /** What a bureau recorded of its subjects (ST-2, ST-3). */
  catalogue(jurisdiction: Jurisdiction): Catalogue | undefined {
    return this.registryDoc<Catalogue>(`catalogue:${jurisdiction}`);
  }

  /** The working calendar with the holiday tables the bureaus recorded. */
  calendar(): WorkingCalendar {
    return calendarOf(this.registryDoc<HolidayDoc>(HOLIDAYS_KEY));
  }

  /** The year as the rules judge it now, from the stored record. */
  evaluate(record: PersonRecord, year: number) {
    return personYearState(record, this.registryFor(record), year, this.rules);
  }

  /**
   * What `read` finds in the tables, with the position they were committed at, in one snapshot: the
   * records it needs are folded through that position, so rows and records never disagree.
   */
  private snapshot<R>(read: () => R): { found: R; at: bigint } {
    return this.db.transaction(() => ({ found: read(), at: this.position() }))();
  }

  /** The position the tables were last committed at. */
  private position(): bigint {
    return BigInt(this.stmt.position.get(PERSON_YEARS) as string);
  }

  /** A person's record as the tables stand (or through `at`): the fold of their stream, as the command side folds it. */
  async person(personId: string, at?: bigint): Promise<PersonRecord | undefined> {
    if (!this.context) throw new Error('person records are folded from the events: these queries were opened without the event store');
    const through = at ?? this.position();
    return personFromEvents(await this.context.stream(streams.person(personId), through));
  }

  /**
   * A person's record with their person-years (or the one year asked), from one snapshot: the
   * stream is read and folded once for both, so a route that checks who may read the person and then
   * answers with the years pays for one fold. `visible`, handed the record, says which years (by the
   * jurisdiction and employer that held them) the reader may see; undefined when it may see them all.
   */
  async personWithYears(
    personId: string,
    year?: number,
    visible?: (record: PersonRecord) => ((holder: { jurisdiction: string; employerId: string }) => boolean) | undefined,
  ): Promise<{ record: PersonRecord; years: PersonYearRow[] } | undefined> {
    const { found: rows, at } = this.snapshot(() =>
      year === undefined ? (this.stmt.personYears.all(personId) as RawPersonYear[]) : [this.stmt.personYear.get(personId, year) as RawPersonYear | undefined].filter((r) => r !== undefined),
    );
    const record = await this.person(personId, at);
    if (!record) return undefined;
    // A year the reader may not see is not evaluated at all.
    const keep = visible?.(record);
    const shown = keep ? rows.filter((r) => keep({ jurisdiction: r.jurisdiction, employerId: r.employer_id })) : rows;
    return { record, years: shown.map((r) => this.toRow(r, record)) };
  }

  /** A person-year's figures with its explanation, evaluated from the person's record. */
  async personYear(personId: string, year: number): Promise<PersonYearRow | undefined> {
    return (await this.personWithYears(personId, year))?.years[0];
  }

  async personYears(personId: string): Promise<PersonYearRow[]> {
    return (await this.personWithYears(personId))?.years ?? [];
  }

  private toRow(r: RawPersonYear, record: PersonRecord): PersonYearRow {
    const { evaluation, current } = this.evaluate(record, r.year);
    return {
      personId: r.person_id,
      name: record.name,
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

  forgetRegistry(): void {
    this.registryCache = new Map();
  }

  /**
   * A certificate with its holder's record, the person-year it was issued for (read from the same
   * snapshot) and its state against that year's current evaluation.
   */
  async certificate(certificateNumber: string): Promise<{ record: PersonRecord; cert: CertificateRecord; status: CertificateView; year: PersonYearRow | undefined } | undefined> {
    const { found, at } = this.snapshot(() => {
      const owner = this.certificateOwner(certificateNumber);
      return owner && { owner, row: this.stmt.personYear.get(owner.personId, owner.year) as RawPersonYear | undefined };
    });
    const record = found ? await this.person(found.owner.personId, at) : undefined;
    const cert = record?.certificates[certificateNumber];
    if (!found || !record || !cert) return undefined;
    const year = found.row && this.toRow(found.row, record);
    const evaluation = year?.evaluation ?? this.evaluate(record, found.owner.year).evaluation;
    return { record, cert, status: certificateStatus(cert, evaluation), year };
  }

  /** Person-years by (person, year) under the given conditions, with their records: the lists below page through them. */
  private async yearPage(conditions: Condition[], limit: number, after: CursorKey | undefined): Promise<Page<{ row: PersonYearRow; record: PersonRecord }>> {
    const { found: page, at } = this.snapshot(() =>
      selectPage<RawPersonYear, RawPersonYear>(
        this.db,
        { select: 'SELECT * FROM person_years', conditions: [...conditions, after && ['(person_id, year) > (?, ?)', after[0], after[1]]], orderBy: 'person_id, year', keyOf: (r) => [r.person_id, r.year], map: (r) => r },
        limit,
      ),
    );
    const records = await this.records(page.items.map((r) => r.person_id), at);
    const items: { row: PersonYearRow; record: PersonRecord }[] = [];
    for (const r of page.items) {
      const record = records.get(r.person_id);
      if (record) items.push({ row: this.toRow(r, record), record });
    }
    return { ...page, items };
  }

  /** The records of the persons a page names, each folded once. */
  private async records(personIds: readonly string[], at: bigint): Promise<Map<string, PersonRecord | undefined>> {
    const unique = [...new Set(personIds)];
    const records = await Promise.all(unique.map((id) => this.person(id, at)));
    return new Map(unique.map((id, i) => [id, records[i]]));
  }

  /**
   * An employer's staff in a year (by the employer in force that year), optionally only those short
   * (the condition is written out so the partial index of the short serves it).
   */
  staff(employerId: string, year: number, filter: StaffFilter, limit: number, after?: CursorKey): JsonPage<StaffMember> {
    return selectJsonPage<StaffMember>(
      this.db,
      {
        // The planner, without statistics, walks the employer's whole year by primary key instead.
        from: filter.compliant === false ? 'staff_lines INDEXED BY staff_lines_short' : 'staff_lines',
        json: 'line',
        key: ['person_id'],
        conditions: [
          ['employer_id = ?', employerId],
          ['year = ?', year],
          filter.compliant !== undefined && [filter.compliant ? 'compliant = 1' : 'compliant = 0'],
          filter.jurisdiction !== undefined && ['jurisdiction = ?', filter.jurisdiction],
        ],
      },
      limit,
      after,
    );
  }

  /** Certificates of a jurisdiction issued and not stamped yet (ST-12: a certificate is valid only stamped). */
  async unstamped(jurisdiction: string, year: number | undefined, limit: number, after?: CursorKey): Promise<Page<PersonYearRow & { issuedOn: string }>> {
    const page = await this.yearPage([['jurisdiction = ?', jurisdiction], ["certificate_status = 'unstamped'"], year !== undefined && ['year = ?', year]], limit, after);
    return {
      ...page,
      items: page.items.map(({ row, record }) => ({ ...row, issuedOn: record.certificates[row.certificate!.certificateNumber]!.issued.issuedOn })),
    };
  }

  /** Person-years of a jurisdiction with credits waiting for the bureau's decision, with those credits. */
  async awaitingBureau(jurisdiction: string, year: number | undefined, limit: number, after?: CursorKey): Promise<Page<PersonYearRow & { credits: CreditLine[] }>> {
    const page = await this.yearPage([['jurisdiction = ?', jurisdiction], ['awaiting_bureau > 0'], year !== undefined && ['year = ?', year]], limit, after);
    return {
      ...page,
      items: page.items.map(({ row, record }) => {
        const waiting = new Set(awaitingBureau(row.evaluation));
        return { ...row, credits: creditLines(record, row.evaluation).filter((c) => waiting.has(c.creditId)) };
      }),
    };
  }

  /**
   * Every credit of a person with how the rules counted it and its review chain, by year then credit
   * id: of `year` alone, or of the years `within` when given. `evaluated` holds years of the same
   * record evaluated already (its rows, read with it), which are not evaluated again.
   */
  credits(record: PersonRecord, options: { year?: number; within?: ReadonlySet<number>; evaluated?: ReadonlyMap<number, Evaluation> } = {}): CreditLine[] {
    const { year, within, evaluated } = options;
    const all = year !== undefined ? [year] : [...new Set(Object.values(record.credits).map(creditYear))].sort((a, b) => a - b);
    const years = within ? all.filter((y) => within.has(y)) : all;
    return years.flatMap((y) => creditLines(record, evaluated?.get(y) ?? this.evaluate(record, y).evaluation));
  }

  /**
   * Who completed a course, from the persons' records (the completions are theirs), in person order:
   * when each was entered, with which proof number, and how many days after the ST-9 deadline.
   */
  async roster(course: { courseId: string; jurisdiction: string; endsOn: string }, limit: number, after?: CursorKey): Promise<Page<RosterEntry>> {
    const calendar = this.calendar();
    const { found: page, at } = this.snapshot(() =>
      selectPage<{ person_id: string }, string>(
        this.db,
        {
          select: 'SELECT person_id FROM course_persons',
          conditions: [['course_id = ?', course.courseId], after && ['person_id > ?', after[0]]],
          orderBy: 'person_id',
          keyOf: (r) => [r.person_id],
          map: (r) => r.person_id,
        },
        limit,
      ),
    );
    const records = await this.records(page.items, at);
    const items: RosterEntry[] = [];
    for (const personId of page.items) {
      const credit = records.get(personId)?.credits[`${personId}:${course.courseId}`];
      if (!credit || credit.source !== 'completion') continue;
      items.push({
        personId,
        creditId: credit.creditId,
        completedOn: credit.completedOn,
        recordedOn: credit.recordedOn,
        assessment: credit.assessment,
        hours: credit.hours,
        proofNumber: credit.proofNumber ?? null,
        daysLate: daysLate(course, credit.recordedOn, calendar) ?? null,
        revoked: credit.revoked,
      });
    }
    return { ...page, items };
  }
}

/** A credit as a clerk reads it: what was claimed, what counted and why, who reviewed it. */
export interface CreditLine {
  creditId: string;
  source: 'completion' | 'conversion';
  year: number;
  category: string;
  courseId?: string;
  kind?: string;
  claimed: number;
  counted: number;
  status: CreditOutcome['status'];
  reasons: CreditOutcome['reasons'];
  reviews: ReviewFact[];
  revoked: boolean;
  revokedOn?: string;
}

function creditLines(record: PersonRecord, evaluation: Evaluation): CreditLine[] {
  const lines: CreditLine[] = [];
  for (const o of [...evaluation.credits].sort((a, b) => (a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0))) {
    const c = record.credits[o.creditId];
    if (!c) continue;
    lines.push({
      creditId: o.creditId,
      source: o.source,
      year: evaluation.year,
      category: o.category,
      ...(c.source === 'completion' ? { courseId: c.courseId } : { kind: c.kind }),
      claimed: o.claimed,
      counted: o.counted,
      status: o.status,
      reasons: o.reasons,
      reviews: c.reviews,
      revoked: c.revoked,
      ...(c.revokedOn !== undefined ? { revokedOn: c.revokedOn } : {}),
    });
  }
  return lines;
}
