import { z } from 'zod';
import {
  CertificateRevocationReason,
  ConversionKind,
  Hours,
  RecordId,
  Jurisdiction,
  LocalDate,
  Purpose,
  TitleLevel,
  Year,
} from './common.js';
import { CourseCancelled, CourseFiled, Evidence, InstitutionAccreditationWithdrawn, InstitutionAccredited } from './events.js';

/** HTTP bodies of the write API; each is a command. Unknown fields are refused (strict). */

/** The same fields as the event it records. */
export const AccreditInstitution = z.strictObject({ ...InstitutionAccredited.shape, institutionId: RecordId });

export const WithdrawAccreditation = InstitutionAccreditationWithdrawn.omit({ institutionId: true }).strict();

/** The event's fields but the jurisdiction, which the course takes from its institution. */
export const FileCourse = CourseFiled.omit({ jurisdiction: true })
  .extend({ courseId: RecordId, institutionId: RecordId })
  .strict()
  .refine((c) => c.endsOn >= c.startsOn, { message: 'endsOn is before startsOn', path: ['endsOn'] });

const CertificateNumber = z.string().regex(/^\d{1,20}$/, 'digits only');

export const ApproveCourse = z
  .strictObject({
    approvalNo: z.string().min(1).max(100),
    certificateNumbers: z.strictObject({ from: CertificateNumber, to: CertificateNumber }).optional(),
    approvedOn: LocalDate,
  })
  .refine((a) => !a.certificateNumbers || (a.certificateNumbers.from.length === a.certificateNumbers.to.length && a.certificateNumbers.from <= a.certificateNumbers.to), {
    message: 'from and to must have the same width and from <= to',
    path: ['certificateNumbers'],
  });

export const CancelCourse = CourseCancelled.omit({ courseId: true }).strict();

export const RegisterPerson = z.strictObject({
  personId: RecordId,
  idNumber: z.string().min(15).max(20),
  name: z.string().min(1).max(100),
  jurisdiction: Jurisdiction,
  titleLevel: TitleLevel,
  employerId: RecordId,
  industry: z.string().min(1).max(100).optional(),
  registeredOn: LocalDate.optional(),
});

export const ChangeTitle = z.strictObject({
  to: TitleLevel,
  effectiveOn: LocalDate,
});

export const TransferPerson = z.strictObject({
  toJurisdiction: Jurisdiction,
  toEmployerId: RecordId,
  effectiveOn: LocalDate,
});

export const RecordEnrolment = z.strictObject({
  personId: RecordId,
  courseId: RecordId,
  enrolledOn: LocalDate,
  purpose: Purpose.default('general'),
});

export const RecordCompletion = z.strictObject({
  personId: RecordId,
  courseId: RecordId,
  completedOn: LocalDate,
  assessment: z.enum(['passed', 'failed', 'none']),
  hours: Hours.optional(),
  proofNumber: z.string().regex(/^[0-9A-Za-z-]{1,40}$/).optional(),
  purpose: Purpose.optional(),
  creditYear: Year.optional(),
});

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
  projectRef: z.string().min(1).max(200).optional(),
  title: z.string().min(1).max(300).optional(),
  evidence: z.array(Evidence).max(20).default([]),
});

export const ReviewCredit = z.strictObject({
  stage: z.enum(['employer', 'bureau']),
  decision: z.enum(['approved', 'rejected']),
  hours: Hours.optional(),
  note: z.string().max(1000).optional(),
});

export const RevokeCredit = z.strictObject({
  reason: z.string().min(1).max(1000),
});

export const SignAssessment = z.strictObject({
  result: z.enum(['passed', 'failed']),
});

export const StampCertificate = z.strictObject({
  stampedOn: LocalDate,
  authority: z.string().min(1).max(200),
});

export const RevokeCertificate = z.strictObject({
  reason: CertificateRevocationReason,
  note: z.string().max(1000).optional(),
});

export type RecordCompletionCommand = z.infer<typeof RecordCompletion>;
