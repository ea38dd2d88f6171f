import { z } from 'zod';
import {
  Actor,
  AdminLevel,
  Category,
  CertificateRevocationReason,
  ConversionKind,
  CreditId,
  Hours,
  Id,
  Jurisdiction,
  LocalDate,
  Purpose,
  TitleLevel,
  Year,
} from './common.js';

/**
 * The event catalogue. Each entry: the event's data schema and its current schemaVersion. Streams:
 * `institution-{institutionId}`, `course-{courseId}`, `person-{personId}` and the others of src/domain/streams.ts.
 * Events are facts: they never hold derived totals or verdicts, which the rules engine computes at
 * projection time so that a later policy can be applied to old facts.
 */

export const InstitutionAccredited = z.object({
  institutionId: Id,
  name: z.string().min(1).max(200),
  jurisdiction: Jurisdiction,
  level: AdminLevel,
  accreditedOn: LocalDate,
});

export const InstitutionAccreditationWithdrawn = z.object({
  institutionId: Id,
  effectiveOn: LocalDate,
  reason: z.string().min(1).max(1000),
});

export const CourseFiled = z.object({
  courseId: Id,
  institutionId: Id,
  /** Copied from the institution when filed, so that the course stream alone answers scope checks. */
  jurisdiction: Jurisdiction,
  title: z.string().min(1).max(200),
  category: Category,
  /** Class hours as filed. */
  hours: Hours,
  /** Actual study time in minutes, when the course is recorded that way (ZZ-3, SC-3). */
  minutes: z.number().int().positive().max(60_000).optional(),
  /** Level of the organiser: ZZ-6 counts promotion public hours only from city level up. */
  level: AdminLevel,
  mode: z.enum(['in-person', 'online']),
  startsOn: LocalDate,
  endsOn: LocalDate,
  filedOn: LocalDate,
  /** For Shantou's catalogue (ST-2, ST-3): the year whose subject this course teaches, as the institution declares it. */
  subjectYear: Year.optional(),
  /** The catalogue subject the course teaches (ST-2, ST-3), when its title says more than the subject; the title otherwise. */
  subject: z.string().min(1).max(200).optional(),
});

export const CourseApproved = z.object({
  courseId: Id,
  approvalNo: z.string().min(1).max(100),
  /** FZ-4/FZ-5: the range of certificate numbers issued for the class (inclusive, same width). */
  certificateNumbers: z.object({ from: z.string().min(1).max(40), to: z.string().min(1).max(40) }).optional(),
  approvedOn: LocalDate,
});

/** FZ-4: the bureau publishes a class for public notice (公示); approval comes after 5 days without objection. */
export const CoursePublished = z.object({
  courseId: Id,
  publishedOn: LocalDate,
});

/** FZ-4: an objection raised during the notice; it blocks the approval until the class is published again. */
export const CourseObjectionRecorded = z.object({
  courseId: Id,
  objectedOn: LocalDate,
  note: z.string().min(1).max(1000),
});

export const CourseCancelled = z.object({
  courseId: Id,
  cancelledOn: LocalDate,
  reason: z.string().min(1).max(1000),
});

export const PersonRegistered = z.object({
  personId: Id,
  /** HMAC-SHA256(pepper, normalised ID number), hex. The number itself is never stored. */
  idNumberHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** e.g. `4101**********1234`. */
  idNumberMasked: z.string().min(1).max(40),
  name: z.string().min(1).max(100),
  jurisdiction: Jurisdiction,
  titleLevel: TitleLevel,
  employerId: Id,
  industry: z.string().min(1).max(100).optional(),
  registeredOn: LocalDate,
});

export const PersonTitleChanged = z.object({
  personId: Id,
  from: TitleLevel,
  to: TitleLevel,
  effectiveOn: LocalDate,
});

export const PersonTransferred = z.object({
  personId: Id,
  fromJurisdiction: Jurisdiction,
  toJurisdiction: Jurisdiction,
  fromEmployerId: Id,
  toEmployerId: Id,
  effectiveOn: LocalDate,
});

/** Reserves a personal ID number for one person, in stream `idnumber-{hash}`: one number, one person. */
export const IdNumberReserved = z.object({
  idNumberHash: z.string().regex(/^[0-9a-f]{64}$/),
  personId: Id,
});

export const EnrolmentRecorded = z.object({
  /** `{personId}:{courseId}`. */
  enrolmentId: CreditId,
  personId: Id,
  courseId: Id,
  institutionId: Id,
  enrolledOn: LocalDate,
  purpose: Purpose,
  /** The title applied or appointed for (ZZ-6, ZZ-7, FZ-6), with purpose promotion or appointment. */
  targetTitle: TitleLevel.optional(),
});

export const CompletionRecorded = z.object({
  creditId: CreditId,
  personId: Id,
  courseId: Id,
  institutionId: Id,
  /** Copied from the course at recording time. */
  category: Category,
  completedOn: LocalDate,
  assessment: z.enum(['passed', 'failed', 'none']),
  hours: Hours,
  /** The institution's stamped proof / training certificate number (ST-6, FZ-5). */
  proofNumber: z.string().min(1).max(40).optional(),
  purpose: Purpose.optional(),
  /** The title applied or appointed for (ZZ-6, ZZ-7, FZ-6), with purpose promotion or appointment. */
  targetTitle: TitleLevel.optional(),
  /** The year the hours are for; a past year means make-up (ST-3, ST-4). */
  creditYear: Year,
  /** Beijing date the institution entered it (ST-9 entry deadline). */
  recordedOn: LocalDate,
});

/** FZ-5: a training certificate number of a class is held by one participant, in stream `proofno-{courseId}:{number}`. */
export const ProofNumberReserved = z.object({
  courseId: Id,
  proofNumber: z.string().min(1).max(40),
  personId: Id,
});

export const Evidence = z.object({
  kind: z.enum(['proof', 'paper', 'award-certificate', 'book', 'notes', 'employer-confirmation', 'other']),
  ref: z.string().min(1).max(500),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

export const ConversionClaimed = z.object({
  creditId: CreditId,
  personId: Id,
  year: Year,
  kind: ConversionKind,
  /** Hours claimed (SZ-5 ranges, SZ-7 free value); absent when derived from characters or credits. */
  hours: Hours.optional(),
  /** SC-4/SC-5: characters written or published. */
  characters: z.number().int().positive().max(10_000_000).optional(),
  /** SC-7: industry credits. */
  credits: z.number().positive().max(1000).optional(),
  /** SZ-6: awards for the same project count once. */
  projectRef: z.string().min(1).max(200).optional(),
  title: z.string().min(1).max(300).optional(),
  evidence: z.array(Evidence).max(20),
  claimedOn: LocalDate,
});

export const CreditReviewed = z.object({
  creditId: CreditId,
  personId: Id,
  stage: z.enum(['employer', 'bureau']),
  decision: z.enum(['approved', 'rejected']),
  /** The value the reviewer fixes (SZ-5: inside the range). */
  hours: Hours.optional(),
  reviewedOn: LocalDate,
  note: z.string().max(1000).optional(),
});

export const CreditRevoked = z.object({
  creditId: CreditId,
  personId: Id,
  reason: z.string().min(1).max(1000),
  revokedOn: LocalDate,
});

export const AnnualAssessmentSigned = z.object({
  personId: Id,
  year: Year,
  employerId: Id,
  result: z.enum(['passed', 'failed']),
  signedOn: LocalDate,
});

const SubjectTitle = z.string().min(1).max(200);

/** ST-2: the public subjects of a year, as the bureau lists them, in stream `catalogue-{jurisdiction}`; a later listing of the year replaces it. */
export const PublicSubjectsListed = z.object({
  jurisdiction: Jurisdiction,
  year: Year,
  subjects: z.array(z.object({ title: SubjectTitle, hours: Hours })).min(1).max(20),
  listedOn: LocalDate,
});

/**
 * ST-3: the past-year catalogue for make-up (补修): which subject belongs to which year, by category;
 * electives carry no year. In stream `catalogue-{jurisdiction}`; a later catalogue replaces it.
 */
export const PastYearCatalogueRecorded = z.object({
  jurisdiction: Jurisdiction,
  subjects: z.array(z.object({ title: SubjectTitle, category: Category, year: Year.optional(), hours: Hours })).min(1).max(200),
  recordedOn: LocalDate,
});

/**
 * A year's public holidays and adjusted working days (调休), as the State Council's notice gives
 * them, in stream `calendar-{year}`: it replaces the calendar package's data for that year
 * (ST-9, ST-12), and is the only source for a year the package does not cover.
 */
export const HolidayTableRecorded = z.object({
  year: Year,
  holidays: z.array(LocalDate).max(60),
  workdays: z.array(LocalDate).max(30),
  source: z.string().min(1).max(300).optional(),
  recordedOn: LocalDate,
});

export const CertificateContent = z.object({
  certificateNumber: z.string().min(1).max(60),
  holderMaskedName: z.string(),
  idNumberMasked: z.string(),
  year: Year,
  jurisdiction: Jurisdiction,
  titleLevel: TitleLevel,
  hours: z.object({ public: z.number(), professional: z.number(), elective: z.number(), total: z.number() }),
  ruleSet: z.string(),
  issuer: z.string(),
  issuedOn: LocalDate,
});

/**
 * Reserves the next certificate number of a jurisdiction and year, in stream
 * `certseq-{jurisdiction}-{year}` (appended at an exact revision, so numbers are unique); it also
 * maps the number back to its person.
 */
export const CertificateNumberReserved = z.object({
  certificateNumber: z.string().min(1).max(60),
  jurisdiction: Jurisdiction,
  year: Year,
  sequence: z.number().int().positive(),
  personId: Id,
});

export const CertificateIssued = z.object({
  certificateNumber: z.string().min(1).max(60),
  personId: Id,
  year: Year,
  content: CertificateContent,
  /** SHA-256 of the canonical JSON of `content`, hex. */
  digest: z.string().regex(/^[0-9a-f]{64}$/),
  /** Ed25519 signature of the digest, base64url, by key `keyId`. */
  signature: z.string().min(1),
  keyId: z.string().min(1),
  issuedOn: LocalDate,
});

export const CertificateStamped = z.object({
  certificateNumber: z.string().min(1).max(60),
  personId: Id,
  year: Year,
  stampedOn: LocalDate,
  authority: z.string().min(1).max(200),
  authorityLevel: AdminLevel,
});

export const CertificateRevoked = z.object({
  certificateNumber: z.string().min(1).max(60),
  personId: Id,
  year: Year,
  reason: CertificateRevocationReason,
  note: z.string().max(1000).optional(),
  revokedOn: LocalDate,
});

/** SC-9: the legal form of an employer; the first three bar "excellent" over a year missed without good reason. */
export const EmployerType = z.enum(['state-organ', 'public-institution', 'social-organisation', 'enterprise', 'other']);
export type EmployerType = z.infer<typeof EmployerType>;

export const EmployerRegistered = z.object({
  employerId: Id,
  name: z.string().min(1).max(200),
  type: EmployerType,
  jurisdiction: Jurisdiction,
  registeredOn: LocalDate,
});

/** SC-9: the bureau accepts a good reason for a year whose hours were missed. */
export const MissedYearExcused = z.object({
  personId: Id,
  year: Year,
  reason: z.string().min(1).max(1000),
  recordedOn: LocalDate,
});

/** The bureau lets a title change through a gate the person does not pass, with its reason. */
export const EligibilityGateOverridden = z.object({
  personId: Id,
  for: z.enum(['promotion']),
  from: TitleLevel,
  to: TitleLevel,
  ruleIds: z.array(z.string().min(1).max(20)).min(1),
  reason: z.string().min(1).max(1000),
  recordedOn: LocalDate,
});

/** ST-14 / FZ-8: what goes into a credit file; the last two withdraw what they name. */
export const CreditFileKind = z.enum(['finding', 'warning', 'suspension', 'filing-withdrawn', 'accreditation-withdrawn']);

/** FZ-8: a dated entry of the credit file of an institution, or of a person delivering training for it. */
export const CreditFileEntryRecorded = z.object({
  entryId: Id,
  institutionId: Id,
  jurisdiction: Jurisdiction,
  /** Set when the entry is about a person who delivers training (a teacher, a class organiser). */
  trainer: z.object({ trainerId: Id, name: z.string().min(1).max(100) }).optional(),
  kind: CreditFileKind,
  ruleId: z.string().min(1).max(20).optional(),
  description: z.string().min(1).max(2000),
  effectiveOn: LocalDate,
  recordedOn: LocalDate,
});

/** ST-8: the bureau's prior consent for a person working away to take public hours online. */
export const OnlineStudyConsented = z.object({
  personId: Id,
  /** Where the person works away from the city. */
  workingAwayAt: z.string().min(1).max(200),
  consentedOn: LocalDate,
  /** Last day it covers; open-ended when absent. */
  until: LocalDate.optional(),
});

/** SZ-3, SC-1, SC-7, FZ-3: an industry's own rule, recorded by the bureau; it applies to years ending on or after `effectiveFrom`. */
export const IndustryRuleSetRecorded = z.object({
  jurisdiction: Jurisdiction,
  industry: z.string().min(1).max(100),
  ruleId: z.enum(['SZ-3', 'SC-1', 'SC-7', 'FZ-3']),
  effectiveFrom: LocalDate,
  /** Replaces the bureau's yearly hours and floors for the industry's people. */
  requirement: z
    .object({ total: Hours, floors: z.object({ public: Hours.optional(), professional: Hours.optional(), elective: Hours.optional() }) })
    .optional(),
  /** SC-7 / FZ-3: class hours one credit is worth. */
  hoursPerCredit: z.number().positive().max(100).optional(),
  recordedOn: LocalDate,
});

export const EVENT_SCHEMAS = {
  InstitutionAccredited,
  InstitutionAccreditationWithdrawn,
  CourseFiled,
  CourseApproved,
  CourseCancelled,
  CoursePublished,
  CourseObjectionRecorded,
  PersonRegistered,
  IdNumberReserved,
  PersonTitleChanged,
  PersonTransferred,
  EnrolmentRecorded,
  CompletionRecorded,
  ConversionClaimed,
  CreditReviewed,
  CreditRevoked,
  AnnualAssessmentSigned,
  CertificateNumberReserved,
  CertificateIssued,
  CertificateStamped,
  CertificateRevoked,
  ProofNumberReserved,
  PublicSubjectsListed,
  PastYearCatalogueRecorded,
  HolidayTableRecorded,
  EmployerRegistered,
  MissedYearExcused,
  EligibilityGateOverridden,
  CreditFileEntryRecorded,
  OnlineStudyConsented,
  IndustryRuleSetRecorded,
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;

/** Current schemaVersion of each event type; bump it and add an upcaster when a schema changes shape. */
export const SCHEMA_VERSIONS: Record<EventType, number> = Object.fromEntries(
  Object.keys(EVENT_SCHEMAS).map((k) => [k, 1]),
) as Record<EventType, number>;

export const EventMetadata = z.object({
  actor: Actor,
  schemaVersion: z.number().int().positive(),
  /** The Idempotency-Key of the request that produced the event, if any. */
  idempotencyKey: z.string().max(200).optional(),
  correlationId: z.string().max(200).optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** A decoded domain event: a typed union over the catalogue. */
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];
