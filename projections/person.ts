import type { Category, ConversionKind, Jurisdiction, Purpose, TitleLevel } from '../schemas/common.js';
import type { DomainEvent, EventData } from '../schemas/events.js';
import type { ReviewFact } from '../src/rules/types.js';

export type StoredCredit =
  | {
      source: 'completion';
      creditId: string;
      courseId: string;
      institutionId: string;
      category: Category;
      hours: number;
      completedOn: string;
      assessment: 'passed' | 'failed' | 'none';
      proofNumber?: string;
      purpose?: Purpose;
      targetTitle?: TitleLevel;
      creditYear: number;
      recordedOn: string;
      revoked: boolean;
      revokedOn?: string;
      reviews: ReviewFact[];
    }
  | {
      source: 'conversion';
      creditId: string;
      year: number;
      kind: ConversionKind;
      claimedHours?: number;
      characters?: number;
      credits?: number;
      projectRef?: string;
      evidence: { kind: string; ref: string }[];
      claimedOn: string;
      revoked: boolean;
      revokedOn?: string;
      reviews: ReviewFact[];
    };

export interface CertificateRecord {
  certificateNumber: string;
  year: number;
  issued: EventData<'CertificateIssued'>;
  /** Global position of the issue event; orders re-issues. */
  issuedAt: string;
  stamps: { stampedOn: string; authority: string; authorityLevel: string }[];
  revocation?: { reason: string; note?: string; revokedOn: string };
  /** The credits of the year on record when it was issued: what it rests on. */
  creditIds?: string[];
  /** Set once a credit it rests on is revoked: it stays invalidated, whatever restores the hours later. */
  invalidated?: { because: string; on: string };
  /** The certificate issued after this one for the same year (its re-issue). */
  replacedBy?: string;
}

/** Everything the read side keeps of one professional: JSON, so it can be stored as one row. */
export interface PersonRecord {
  personId: string;
  name: string;
  idNumberHash: string;
  idNumberMasked: string;
  jurisdiction: Jurisdiction;
  titleLevel: TitleLevel;
  employerId: string;
  industry?: string;
  registeredOn: string;
  /** Title and employer history, to know what was in force in a given year. */
  titleChanges: { from: TitleLevel; to: TitleLevel; effectiveOn: string }[];
  transfers: { fromJurisdiction: Jurisdiction; toJurisdiction: Jurisdiction; fromEmployerId: string; toEmployerId: string; effectiveOn: string }[];
  enrolmentPurposes: Record<string, Purpose>;
  /** courseId → the title an enrolment applies or is appointed for (only when one said so). */
  enrolmentTargets?: Record<string, TitleLevel>;
  credits: Record<string, StoredCredit>;
  assessments: Record<string, { result: 'passed' | 'failed'; signedOn: string }>;
  certificates: Record<string, CertificateRecord>;
  /** SC-9: years whose missed hours the bureau accepted a good reason for (absent on records folded before). */
  excusedYears?: Record<string, { reason: string; recordedOn: string }>;
  /** ST-8: the bureau's consents to online public hours, in the order given. */
  onlineConsents?: { consentedOn: string; until?: string }[];
}

/**
 * A map from ids to values, as an object that serialises as is. Without a prototype, V8 keeps it as
 * a hash table from the start: on a plain `{}`, every new id (a credit id is different for each
 * person) would add a hidden class to a shared transition tree, and a rebuild adds a million of
 * them (measured: a fold of 160,000 persons with 6 credits each spent twice as long building them).
 */
function keyedBy<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A person's record from the events of their stream, in order (undefined before registration). */
export function personFromEvents(events: readonly (DomainEvent & { position: bigint })[]): PersonRecord | undefined {
  let record: PersonRecord | undefined;
  for (const e of events) record = foldPerson(record, e, e.position).record;
  return record;
}

/**
 * Folds one event of a person's stream into the record (mutating it; undefined until registration).
 * Returns the years whose facts the event changed, so the runner re-evaluates only those.
 */
export function foldPerson(p: PersonRecord | undefined, e: DomainEvent, position: bigint): { record: PersonRecord | undefined; years: number[] } {
  if (e.type === 'PersonRegistered') {
    const d = e.data;
    return {
      record: {
        personId: d.personId,
        name: d.name,
        idNumberHash: d.idNumberHash,
        idNumberMasked: d.idNumberMasked,
        jurisdiction: d.jurisdiction,
        titleLevel: d.titleLevel,
        employerId: d.employerId,
        ...(d.industry ? { industry: d.industry } : {}),
        registeredOn: d.registeredOn,
        titleChanges: [],
        transfers: [],
        enrolmentPurposes: keyedBy(),
        credits: keyedBy(),
        assessments: {},
        certificates: keyedBy(),
      },
      years: [],
    };
  }
  if (!p) return { record: p, years: [] };
  switch (e.type) {
    case 'PersonTitleChanged':
      p.titleLevel = e.data.to;
      p.titleChanges.push({ from: e.data.from, to: e.data.to, effectiveOn: e.data.effectiveOn });
      return { record: p, years: yearsOf(p).filter((y) => y >= Number(e.data.effectiveOn.slice(0, 4))) };
    case 'PersonTransferred': {
      const { personId: _id, ...t } = e.data;
      p.jurisdiction = t.toJurisdiction;
      p.employerId = t.toEmployerId;
      p.transfers.push(t);
      return { record: p, years: yearsOf(p).filter((y) => y >= Number(t.effectiveOn.slice(0, 4))) };
    }
    case 'EnrolmentRecorded':
      p.enrolmentPurposes[e.data.courseId] = e.data.purpose;
      if (e.data.targetTitle !== undefined) (p.enrolmentTargets ??= keyedBy())[e.data.courseId] = e.data.targetTitle;
      return { record: p, years: [] };
    case 'CompletionRecorded': {
      // Field by field, not a rest-spread of the event: this runs for every completion a rebuild
      // folds, and the spread was a tenth of the fold. A field added to CompletionRecorded goes here.
      const d = e.data;
      const credit: Extract<StoredCredit, { source: 'completion' }> = {
        source: 'completion',
        creditId: d.creditId,
        courseId: d.courseId,
        institutionId: d.institutionId,
        category: d.category,
        hours: d.hours,
        completedOn: d.completedOn,
        assessment: d.assessment,
        creditYear: d.creditYear,
        recordedOn: d.recordedOn,
        revoked: false,
        reviews: [],
      };
      if (d.proofNumber !== undefined) credit.proofNumber = d.proofNumber;
      if (d.purpose !== undefined) credit.purpose = d.purpose;
      if (d.targetTitle !== undefined) credit.targetTitle = d.targetTitle;
      p.credits[d.creditId] = credit;
      return { record: p, years: [d.creditYear] };
    }
    case 'ConversionClaimed': {
      const { personId: _id, hours, title: _title, ...d } = e.data;
      p.credits[d.creditId] = { source: 'conversion', ...d, ...(hours !== undefined ? { claimedHours: hours } : {}), revoked: false, reviews: [] };
      return { record: p, years: [d.year] };
    }
    case 'CreditReviewed': {
      const c = p.credits[e.data.creditId];
      if (!c) return { record: p, years: [] };
      c.reviews.push({ stage: e.data.stage, decision: e.data.decision, ...(e.data.hours !== undefined ? { hours: e.data.hours } : {}), reviewedOn: e.data.reviewedOn });
      return { record: p, years: [creditYear(c)] };
    }
    case 'CreditRevoked': {
      const c = p.credits[e.data.creditId];
      if (!c) return { record: p, years: [] };
      c.revoked = true;
      c.revokedOn = e.data.revokedOn;
      invalidateCertificatesOn(p, e.data.creditId, e.data.revokedOn);
      return { record: p, years: [creditYear(c)] };
    }
    case 'AnnualAssessmentSigned':
      p.assessments[String(e.data.year)] = { result: e.data.result, signedOn: e.data.signedOn };
      return { record: p, years: [e.data.year] };
    case 'CertificateIssued':
      issueCertificateRecord(p, e.data, position);
      return { record: p, years: [e.data.year] };
    case 'CertificateStamped': {
      const c = p.certificates[e.data.certificateNumber];
      c?.stamps.push({ stampedOn: e.data.stampedOn, authority: e.data.authority, authorityLevel: e.data.authorityLevel });
      return { record: p, years: [e.data.year] };
    }
    case 'CertificateRevoked': {
      const c = p.certificates[e.data.certificateNumber];
      if (c) c.revocation = { reason: e.data.reason, ...(e.data.note ? { note: e.data.note } : {}), revokedOn: e.data.revokedOn };
      return { record: p, years: [e.data.year] };
    }
    case 'OnlineStudyConsented': {
      const { consentedOn, until } = e.data;
      (p.onlineConsents ??= []).push(until ? { consentedOn, until } : { consentedOn });
      return { record: p, years: yearsOf(p).filter((y) => y >= Number(consentedOn.slice(0, 4))) };
    }
    case 'MissedYearExcused':
      (p.excusedYears ??= {})[String(e.data.year)] = { reason: e.data.reason, recordedOn: e.data.recordedOn };
      return { record: p, years: [] };
    default:
      return { record: p, years: [] };
  }
}

/** A new certificate of a year replaces the year's earlier ones, and rests on the year's credits on record. */
function issueCertificateRecord(p: PersonRecord, issued: EventData<'CertificateIssued'>, position: bigint): void {
  const no = issued.certificateNumber;
  for (const c of Object.values(p.certificates)) if (c.year === issued.year && !c.replacedBy) c.replacedBy = no;
  const creditIds = Object.values(p.credits).flatMap((c) => (creditYear(c) === issued.year ? [c.creditId] : []));
  p.certificates[no] = { certificateNumber: no, year: issued.year, issued, issuedAt: position.toString(), stamps: [], creditIds };
}

/** A revoked credit invalidates every unrevoked certificate resting on it, for good (re-issue to restore). */
function invalidateCertificatesOn(p: PersonRecord, creditId: string, revokedOn: string): void {
  for (const c of Object.values(p.certificates)) {
    if (c.revocation || c.invalidated || !c.creditIds?.includes(creditId)) continue;
    c.invalidated = { because: `credit ${creditId} it rests on was revoked on ${revokedOn}`, on: revokedOn };
  }
}

export function creditYear(c: StoredCredit): number {
  return c.source === 'completion' ? c.creditYear : c.year;
}

/** Every year the person has a credit, an assessment or a certificate for. */
export function yearsOf(p: PersonRecord): number[] {
  const years = new Set<number>();
  for (const c of Object.values(p.credits)) years.add(creditYear(c));
  for (const y of Object.keys(p.assessments)) years.add(Number(y));
  for (const c of Object.values(p.certificates)) years.add(c.year);
  return [...years].sort((a, b) => a - b);
}

/** ST-8: whether a consent of the bureau covered a day (it must come before the study it allows). */
export function onlineConsentCovers(p: PersonRecord, day: string): boolean {
  return p.onlineConsents?.some((c) => c.consentedOn <= day && (c.until === undefined || day <= c.until)) ?? false;
}
