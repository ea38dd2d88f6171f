import type { AdminLevel, Category, ConversionKind, Jurisdiction, Purpose, TitleLevel } from '../../schemas/common.js';
import type { WorkingCalendar } from './calendar.js';
import type { Catalogue } from './catalogue.js';

/** Facts of one person-year, joined from the person's stream and the courses and institutions it names. */
export interface PersonYearFacts {
  personId: string;
  year: number;
  jurisdiction: Jurisdiction;
  /** Title level in force for the year (the one at its end). */
  titleLevel: TitleLevel;
  industry?: string;
  /** A title change during the year: ZZ-6 restricts public hours for promotions to deputy-senior and up. */
  promotion?: { from: TitleLevel; to: TitleLevel };
  /** The employer's yearly sign-off (SC-8). */
  assessment?: { result: 'passed' | 'failed'; signedOn: string };
  credits: CreditFact[];
  /** The jurisdiction's recorded catalogue (ST-2, ST-3); undefined when the bureau recorded none. */
  catalogue?: Catalogue;
  /** Working days with the bureau's recorded holiday tables (ST-9); the package's alone when absent. */
  calendar?: WorkingCalendar;
  /** The industry rule set the bureau recorded for the person's industry, in force for the year (SZ-3, SC-1, SC-7, FZ-3). */
  industryRule?: IndustryRuleFact;
}

export interface IndustryRuleFact {
  industry: string;
  ruleId: string;
  effectiveFrom: string;
  requirement?: { total: number; floors: Partial<Record<Category, number>> };
  hoursPerCredit?: number;
}

export interface CourseFact {
  courseId: string;
  title: string;
  category: Category;
  hours: number;
  minutes?: number;
  level: AdminLevel;
  mode: 'in-person' | 'online';
  startsOn: string;
  endsOn: string;
  filedOn: string;
  subjectYear?: number;
  subject?: string;
  /** FZ-4: the latest publication for public notice. */
  publishedOn?: string;
  cancelledOn?: string;
  approval?: { approvalNo: string; approvedOn: string; certificateNumbers?: { from: string; to: string } };
}

export interface InstitutionFact {
  institutionId: string;
  jurisdiction: Jurisdiction;
  level: AdminLevel;
  accreditedOn: string;
  withdrawnOn?: string;
}

export interface ReviewFact {
  stage: 'employer' | 'bureau';
  decision: 'approved' | 'rejected';
  hours?: number;
  reviewedOn: string;
}

interface CreditBase {
  creditId: string;
  category: Category;
  revoked: boolean;
  revokedOn?: string;
  /** In the order they were recorded; the latest decision of a stage is the one in force. */
  reviews: ReviewFact[];
}

export interface CompletionFact extends CreditBase {
  source: 'completion';
  hours: number;
  completedOn: string;
  assessment: 'passed' | 'failed' | 'none';
  proofNumber?: string;
  purpose?: Purpose;
  /** The title applied or appointed for (ZZ-6, ZZ-7, FZ-6). */
  targetTitle?: TitleLevel;
  creditYear: number;
  recordedOn: string;
  /** Undefined when the course is unknown to the ledger. */
  course?: CourseFact;
  /** Undefined when the institution was never accredited. */
  institution?: InstitutionFact;
  /** ST-8: the bureau consented to online public hours for someone working away. */
  onlineConsent?: boolean;
}

export interface ConversionFact extends CreditBase {
  source: 'conversion';
  kind: ConversionKind;
  claimedHours?: number;
  characters?: number;
  credits?: number;
  projectRef?: string;
  evidence: { kind: string; ref: string }[];
  claimedOn: string;
}

export type CreditFact = CompletionFact | ConversionFact;

export interface Reason {
  ruleId: string;
  /** excluded: nothing of the credit counts; capped: part of it does not; pending: not yet. */
  effect: 'excluded' | 'capped' | 'pending';
  message: string;
  /** Hours this reason took away (0 for a flag or a pending state). */
  hours: number;
  /** For a pending credit: whose decision it waits for. */
  awaiting?: Reviewer;
}

export type Reviewer = 'employer' | 'bureau';

export type CreditStatus = 'counted' | 'partly-counted' | 'excluded' | 'pending';

export interface CreditOutcome {
  creditId: string;
  source: 'completion' | 'conversion';
  category: Category;
  claimed: number;
  counted: number;
  status: CreditStatus;
  reasons: Reason[];
}

export interface Flag {
  ruleId: string;
  creditId?: string;
  message: string;
  /** The year cannot be certified or stamped while this flag stands (SC-8). */
  blocksCertificate?: true;
}

export type ByCategory = Record<Category, number> & { total: number };

export interface Requirement {
  total: number;
  floors: Partial<Record<Category, number>>;
  ruleIds: string[];
}

export interface Evaluation {
  personId: string;
  year: number;
  jurisdiction: Jurisdiction;
  titleLevel: TitleLevel;
  ruleSet: { id: string; version: number; effectiveFrom: string };
  required: Requirement;
  claimed: ByCategory;
  counted: ByCategory;
  credits: CreditOutcome[];
  excluded: { creditId: string; ruleId: string; reason: string; hours: number }[];
  flags: Flag[];
  shortfall: ByCategory;
  compliant: boolean;
  /** The industry rule set applied, when the person's industry has one in force. */
  industryRule?: { industry: string; ruleId: string; effectiveFrom: string };
}
