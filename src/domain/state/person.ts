import type { Category, ConversionKind, Jurisdiction, TitleLevel } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';

export interface CreditState {
  creditId: string;
  source: 'completion' | 'conversion';
  courseId?: string;
  kind?: ConversionKind;
  category: Category;
  year: number;
  revoked: boolean;
  reviews: { stage: 'employer' | 'bureau'; decision: 'approved' | 'rejected' }[];
}

export interface PersonState {
  exists: boolean;
  personId?: string;
  name?: string;
  jurisdiction?: Jurisdiction;
  titleLevel?: TitleLevel;
  employerId?: string;
  industry?: string;
  /** Keyed hash of the ID number registered; its reservation stands only for this person. */
  idNumberHash?: string;
  credits: Map<string, CreditState>;
  /** Courses with a recorded completion: one completion per course and person. */
  completedCourses: Set<string>;
  enrolments: Set<string>;
  assessedYears: Set<number>;
}

export const initialPerson = (): PersonState => ({
  exists: false,
  credits: new Map(),
  completedCourses: new Set(),
  enrolments: new Set(),
  assessedYears: new Set(),
});

/** Mutates and returns the state: folds over a whole stream run once per command. */
export function evolvePerson(s: PersonState, e: DomainEvent): PersonState {
  switch (e.type) {
    case 'PersonRegistered':
      Object.assign(s, {
        exists: true,
        personId: e.data.personId,
        name: e.data.name,
        jurisdiction: e.data.jurisdiction,
        titleLevel: e.data.titleLevel,
        employerId: e.data.employerId,
        industry: e.data.industry,
        idNumberHash: e.data.idNumberHash,
      });
      break;
    case 'PersonTitleChanged':
      s.titleLevel = e.data.to;
      break;
    case 'PersonTransferred':
      s.jurisdiction = e.data.toJurisdiction;
      s.employerId = e.data.toEmployerId;
      break;
    case 'EnrolmentRecorded':
      s.enrolments.add(e.data.enrolmentId);
      break;
    case 'CompletionRecorded':
      s.completedCourses.add(e.data.courseId);
      s.credits.set(e.data.creditId, {
        creditId: e.data.creditId,
        source: 'completion',
        courseId: e.data.courseId,
        category: e.data.category,
        year: e.data.creditYear,
        revoked: false,
        reviews: [],
      });
      break;
    case 'ConversionClaimed':
      s.credits.set(e.data.creditId, {
        creditId: e.data.creditId,
        source: 'conversion',
        kind: e.data.kind,
        category: 'professional',
        year: e.data.year,
        revoked: false,
        reviews: [],
      });
      break;
    case 'CreditReviewed':
      s.credits.get(e.data.creditId)?.reviews.push({ stage: e.data.stage, decision: e.data.decision });
      break;
    case 'CreditRevoked': {
      const c = s.credits.get(e.data.creditId);
      if (c) c.revoked = true;
      break;
    }
    case 'AnnualAssessmentSigned':
      s.assessedYears.add(e.data.year);
      break;
    default:
      break;
  }
  return s;
}
