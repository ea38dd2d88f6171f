import { z } from 'zod';
import {
  CertificateRevocationReason,
  ConversionKind,
  Hours,
  RecordId,
  Jurisdiction,
  LocalDate,
  Purpose,
  Text,
  TitleLevel,
  Year,
} from './common.js';
import {
  CourseCancelled,
  CourseFiled,
  CourseObjectionRecorded,
  CreditFileKind,
  EmployerType,
  CoursePublished,
  Evidence,
  HolidayTableRecorded,
  InstitutionAccreditationWithdrawn,
  InstitutionAccredited,
  PastYearCatalogueRecorded,
  PublicSubjectsListed,
} from './events.js';

/** HTTP bodies of the write API; each is a command. Unknown fields are refused (strict). */

/** The same fields as the event it records. */
export const AccreditInstitution = z.strictObject({ ...InstitutionAccredited.shape, institutionId: RecordId, name: Text(200) });

export const WithdrawAccreditation = InstitutionAccreditationWithdrawn.omit({ institutionId: true }).extend({ reason: Text(1000, { multiline: true }) }).strict();

/** The event's fields but the jurisdiction, which the course takes from its institution. */
export const FileCourse = CourseFiled.omit({ jurisdiction: true })
  .extend({ courseId: RecordId, institutionId: RecordId, title: Text(200) })
  .strict()
  .refine((c) => c.endsOn >= c.startsOn, { message: 'endsOn is before startsOn', path: ['endsOn'] });

const CertificateNumber = z.string().regex(/^\d{1,20}$/, 'digits only');

export const ApproveCourse = z
  .strictObject({
    approvalNo: Text(100),
    certificateNumbers: z.strictObject({ from: CertificateNumber, to: CertificateNumber }).optional(),
    approvedOn: LocalDate,
  })
  .refine((a) => !a.certificateNumbers || (a.certificateNumbers.from.length === a.certificateNumbers.to.length && a.certificateNumbers.from <= a.certificateNumbers.to), {
    message: 'from and to must have the same width and from <= to',
    path: ['certificateNumbers'],
  });

export const CancelCourse = CourseCancelled.omit({ courseId: true }).extend({ reason: Text(1000, { multiline: true }) }).strict();

export const PublishCourse = CoursePublished.omit({ courseId: true }).strict();

export const RecordObjection = CourseObjectionRecorded.omit({ courseId: true }).strict();

/** A target title says what a promotion or appointment is for; without one of those purposes it means nothing. */
const targetNeedsPurpose = {
  check: (c: { purpose?: string | undefined; targetTitle?: string | undefined }) => c.targetTitle === undefined || c.purpose === 'promotion' || c.purpose === 'appointment',
  message: { message: 'targetTitle goes with purpose promotion or appointment', path: ['targetTitle'] },
};

export const RegisterPerson = z.strictObject({
  personId: RecordId,
  idNumber: z.string().min(15).max(20),
  name: Text(100),
  jurisdiction: Jurisdiction,
  titleLevel: TitleLevel,
  employerId: RecordId,
  industry: Text(100).optional(),
  registeredOn: LocalDate.optional(),
});

export const ChangeTitle = z.strictObject({
  to: TitleLevel,
  effectiveOn: LocalDate,
  /** The bureau only: lets a promotion through a gate the person does not pass, recorded with this reason. */
  override: z.strictObject({ reason: Text(1000, { multiline: true }) }).optional(),
});

export const TransferPerson = z.strictObject({
  toJurisdiction: Jurisdiction,
  toEmployerId: RecordId,
  effectiveOn: LocalDate,
});

export const RecordEnrolment = z
  .strictObject({
    personId: RecordId,
    courseId: RecordId,
    enrolledOn: LocalDate,
    purpose: Purpose.default('general'),
    targetTitle: TitleLevel.optional(),
  })
  .refine(targetNeedsPurpose.check, targetNeedsPurpose.message);

export const RecordCompletion = z
  .strictObject({
    personId: RecordId,
    courseId: RecordId,
    completedOn: LocalDate,
    assessment: z.enum(['passed', 'failed', 'none']),
    hours: Hours.optional(),
    proofNumber: z.string().regex(/^[0-9A-Za-z-]{1,40}$/).optional(),
    purpose: Purpose.optional(),
    targetTitle: TitleLevel.optional(),
    creditYear: Year.optional(),
  })
  .refine(targetNeedsPurpose.check, targetNeedsPurpose.message);

export const RecordCompletionsBatch = z.strictObject({
  items: z.array(z.unknown()).min(1).max(1000),
});

export const ClaimConversion = z.strictObject({
  personId: RecordId,
  year: Year,
  kind: ConversionKind,
  hours: Hours.optional(),
  characters: z.number().int().positive().max(10_000_000).optional(),
  credits: z.number().positive().max(1000).optional(),
  projectRef: Text(200).optional(),
  title: Text(300).optional(),
  evidence: z.array(Evidence.extend({ ref: Text(500) })).max(20).default([]),
});

export const ReviewCredit = z.strictObject({
  stage: z.enum(['employer', 'bureau']),
  decision: z.enum(['approved', 'rejected']),
  hours: Hours.optional(),
  note: Text(1000, { multiline: true }).optional(),
});

export const RevokeCredit = z.strictObject({
  reason: Text(1000, { multiline: true }),
});

export const SignAssessment = z.strictObject({
  result: z.enum(['passed', 'failed']),
});

/** The business date of the issue: today in Beijing unless given (not in the future, not before the year began). */
export const IssueCertificate = z.strictObject({
  issuedOn: LocalDate.optional(),
});

export const ListPublicSubjects = PublicSubjectsListed.omit({ jurisdiction: true, year: true, listedOn: true }).extend({ listedOn: LocalDate.optional() }).strict();

export const RecordPastYearCatalogue = PastYearCatalogueRecorded.omit({ jurisdiction: true, recordedOn: true }).extend({ recordedOn: LocalDate.optional() }).strict();

export const RecordHolidayTable = HolidayTableRecorded.omit({ year: true, recordedOn: true }).strict();

/**
 * A bureau's data as one file, for its bootstrap (`ledger bureau-data --file`): the year lists of
 * public subjects, the past-year catalogue and holiday tables, recorded as the routes record them.
 */
export const BureauDataFile = z.strictObject({
  jurisdiction: Jurisdiction,
  source: z.string().min(1).max(300).optional(),
  publicSubjects: z.array(ListPublicSubjects.extend({ year: Year })).max(50).default([]),
  pastYearCatalogue: RecordPastYearCatalogue.optional(),
  holidayTables: z.array(RecordHolidayTable.extend({ year: Year })).max(50).default([]),
});

export const StampCertificate = z.strictObject({
  stampedOn: LocalDate,
  authority: Text(200),
});

export const RevokeCertificate = z.strictObject({
  reason: CertificateRevocationReason,
  note: Text(1000, { multiline: true }).optional(),
});

export type RecordCompletionCommand = z.infer<typeof RecordCompletion>;

/** The bureau registers an employer with its legal form (SC-9 depends on it; an employer does not declare its own). */
export const RegisterEmployer = z.strictObject({
  employerId: RecordId,
  name: Text(200),
  type: EmployerType,
  jurisdiction: Jurisdiction,
  registeredOn: LocalDate.optional(),
});

/** SC-9: the bureau's recorded good reason for a year whose hours were missed. */
export const ExcuseMissedYear = z.strictObject({
  reason: Text(1000, { multiline: true }),
});

/** ST-14 / FZ-8: the bureau's entry in an institution's credit file (or one of its trainers'). */
export const RecordCreditFileEntry = z.strictObject({
  kind: CreditFileKind,
  trainer: z.strictObject({ trainerId: RecordId, name: Text(100) }).optional(),
  ruleId: z.string().regex(/^[A-Z]{2,3}-\d{1,2}$/, 'a rule id such as ST-14').optional(),
  description: Text(2000, { multiline: true }),
  effectiveOn: LocalDate,
});

/** ST-8: the bureau's prior consent to online public hours for a person working away. */
export const ConsentOnlineStudy = z
  .strictObject({ workingAwayAt: Text(200), consentedOn: LocalDate, until: LocalDate.optional() })
  .refine((c) => c.until === undefined || c.until >= c.consentedOn, { message: 'until is before consentedOn', path: ['until'] });

/** The bureau records an industry's rule set (hours and floors, or its credit table, or both). */
export const RecordIndustryRuleSet = z
  .strictObject({
    industry: Text(100),
    ruleId: z.enum(['SZ-3', 'SC-1', 'SC-7', 'FZ-3']),
    effectiveFrom: LocalDate,
    requirement: z
      .strictObject({ total: Hours, floors: z.strictObject({ public: Hours.optional(), professional: Hours.optional(), elective: Hours.optional() }) })
      .optional(),
    hoursPerCredit: z.number().positive().max(100).optional(),
  })
  .refine((r) => r.requirement !== undefined || r.hoursPerCredit !== undefined, { message: 'give the requirement, the credit table or both', path: ['requirement'] });
