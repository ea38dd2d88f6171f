import { z } from 'zod';

/** Responses of the list and record views: what clerks, employers and institutions work from. */

const ByCategory = z.object({ public: z.number(), professional: z.number(), elective: z.number(), total: z.number() });

export const InstitutionView = z.object({
  institutionId: z.string(),
  name: z.string(),
  jurisdiction: z.string(),
  level: z.string(),
  status: z.enum(['accredited', 'withdrawn']),
  accreditation: z.array(z.object({ action: z.enum(['accredited', 'withdrawn']), on: z.string(), reason: z.string().optional() })),
  courses: z.number().int(),
  completions: z.number().int(),
  lateEntries: z.number().int().describe('ST-9: completions entered after the 5-working-day deadline'),
  lateByCourse: z.record(z.string(), z.object({ entries: z.number().int(), maxDaysLate: z.number().int() })),
  entriesWithoutDeadline: z.number().int().optional().describe('ST-9: entries whose deadline cannot be counted: no holiday table for the year'),
});

export const CourseView = z.object({
  courseId: z.string(),
  institutionId: z.string(),
  jurisdiction: z.string(),
  title: z.string(),
  category: z.string(),
  hours: z.number(),
  minutes: z.number().optional(),
  level: z.string(),
  mode: z.string(),
  startsOn: z.string(),
  endsOn: z.string(),
  filedOn: z.string(),
  subjectYear: z.number().optional(),
  status: z.enum(['filed', 'approved', 'cancelled']),
  approval: z
    .object({
      courseId: z.string(),
      approvalNo: z.string(),
      approvedOn: z.string(),
      certificateNumbers: z.object({ from: z.string(), to: z.string() }).optional(),
    })
    .optional(),
  cancellation: z.object({ courseId: z.string(), cancelledOn: z.string(), reason: z.string() }).optional(),
  completions: z.number().int(),
  lateEntries: z.number().int(),
  maxDaysLate: z.number().int(),
  entriesWithoutDeadline: z.number().int().optional(),
});

export const RosterEntryView = z.object({
  personId: z.string(),
  creditId: z.string(),
  completedOn: z.string(),
  recordedOn: z.string(),
  assessment: z.string(),
  hours: z.number(),
  proofNumber: z.string().nullable(),
  daysLate: z.number().int().nullable().describe('null: the deadline cannot be counted (no holiday table for the year)'),
  revoked: z.boolean(),
});

export const StaffMemberView = z.object({
  personId: z.string(),
  name: z.string(),
  jurisdiction: z.string(),
  titleLevel: z.string(),
  compliant: z.boolean(),
  counted: ByCategory,
  required: z.object({ total: z.number(), floors: z.record(z.string(), z.number()), ruleIds: z.array(z.string()) }),
  shortfall: ByCategory,
  certificate: z.object({ certificateNumber: z.string(), status: z.string() }).nullable(),
});

export const UnstampedView = z.object({
  certificateNumber: z.string(),
  personId: z.string(),
  name: z.string(),
  year: z.number(),
  issuedOn: z.string(),
  nextStampDay: z.string().nullable().describe('ST-12 (Shantou): the next day the city bureau stamps; null where no fixed days apply'),
});

export const AwaitingReviewView = z.object({
  personId: z.string(),
  name: z.string(),
  year: z.number(),
  employerId: z.string(),
  credits: z.array(
    z.object({
      creditId: z.string(),
      source: z.enum(['completion', 'conversion']),
      category: z.string(),
      claimed: z.number(),
      ruleId: z.string(),
      waitingFor: z.string(),
      reviews: z.array(z.object({ stage: z.string(), decision: z.string(), hours: z.number().optional(), reviewedOn: z.string() })),
    }),
  ),
});

export const DirectoryEntryView = z.object({
  personId: z.string(),
  name: z.string(),
  idNumberMasked: z.string(),
  jurisdiction: z.string(),
  employerId: z.string(),
  titleLevel: z.string(),
  registeredOn: z.string(),
});

export const CreditView = z.object({
  creditId: z.string(),
  source: z.enum(['completion', 'conversion']),
  year: z.number(),
  category: z.string(),
  courseId: z.string().optional(),
  kind: z.string().optional(),
  claimed: z.number(),
  counted: z.number(),
  status: z.enum(['counted', 'partly-counted', 'excluded', 'pending']),
  reasons: z.array(z.object({ ruleId: z.string(), effect: z.string(), message: z.string(), hours: z.number() })),
  reviews: z.array(z.object({ stage: z.string(), decision: z.string(), hours: z.number().optional(), reviewedOn: z.string() })),
  revoked: z.boolean(),
  revokedOn: z.string().optional(),
});

const CreditFileEntryView = z.object({
  entryId: z.string(),
  trainer: z.object({ trainerId: z.string(), name: z.string() }).optional(),
  kind: z.enum(['finding', 'warning', 'suspension', 'filing-withdrawn', 'accreditation-withdrawn']),
  ruleId: z.string().optional(),
  description: z.string(),
  effectiveOn: z.string(),
  recordedOn: z.string(),
});

/** ST-9/10/14, FZ-4/5/8: what an institution's records show and the bureau's credit file on it. */
export const OversightView = z.object({
  institutionId: z.string(),
  name: z.string(),
  jurisdiction: z.string(),
  flags: z.array(z.object({ ruleId: z.string(), courseId: z.string(), count: z.number().int(), message: z.string() })),
  creditFile: z.array(CreditFileEntryView),
  severity: z.number().int().describe('sanctions weigh most (withdrawal 1000 … finding 10), then 1 per irregular entry'),
});

/** FZ-8: the credit file of a person who delivers training. */
export const TrainerFileView = z.object({
  trainerId: z.string(),
  name: z.string(),
  entries: z.array(CreditFileEntryView.extend({ institutionId: z.string(), jurisdiction: z.string() })),
});
