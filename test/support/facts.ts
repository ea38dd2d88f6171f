import type { Category, Jurisdiction, TitleLevel } from '../../schemas/common.js';
import type { CompletionFact, ConversionFact, CourseFact, InstitutionFact, PersonYearFacts, ReviewFact } from '../../src/rules/types.js';

let seq = 0;

export function institution(o: Partial<InstitutionFact> = {}): InstitutionFact {
  return { institutionId: 'inst-a', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2013-01-10', ...o };
}

export function course(o: Partial<CourseFact> = {}): CourseFact {
  return {
    courseId: `course-${++seq}`,
    title: 'a course',
    category: 'professional',
    hours: 30,
    level: 'city',
    mode: 'in-person',
    startsOn: '2014-06-02',
    endsOn: '2014-06-05',
    filedOn: '2014-03-01',
    approval: { approvalNo: 'A-1', approvedOn: '2014-03-20' },
    ...o,
  };
}

/** A completion of a well-filed course at an accredited base, passed and entered on time. */
export function completion(category: Category, hours: number, o: Partial<CompletionFact> = {}, c: Partial<CourseFact> = {}): CompletionFact {
  const theCourse = course({ category, hours, ...c });
  return {
    source: 'completion',
    creditId: `p1:${theCourse.courseId}`,
    category,
    hours,
    revoked: false,
    reviews: [],
    completedOn: theCourse.endsOn,
    assessment: 'passed',
    proofNumber: '0000000001',
    creditYear: 2014,
    recordedOn: theCourse.endsOn,
    course: theCourse,
    institution: institution(),
    ...o,
  };
}

export const approvedBy = (...stages: ('employer' | 'bureau')[]): ReviewFact[] =>
  stages.map((stage) => ({ stage, decision: 'approved', reviewedOn: '2014-09-01' }));

export function conversion(o: Partial<ConversionFact> & Pick<ConversionFact, 'kind'>): ConversionFact {
  return {
    source: 'conversion',
    creditId: `p1:cv-${++seq}`,
    category: 'professional',
    revoked: false,
    reviews: [],
    evidence: [{ kind: 'paper', ref: 'doi:10.1/x' }],
    claimedOn: '2014-09-01',
    ...o,
  };
}

export function personYear(jurisdiction: Jurisdiction, titleLevel: TitleLevel, credits: PersonYearFacts['credits'], o: Partial<PersonYearFacts> = {}): PersonYearFacts {
  return { personId: 'p1', year: 2014, jurisdiction, titleLevel, credits, ...o };
}
