import type { DomainEvent } from '../../schemas/events.js';
import type { Given } from './decider.js';

/** Event histories for decider tests: a Zhengzhou base, its course, a person, a Suzhou person. */
export const accredited: DomainEvent = {
  type: 'InstitutionAccredited',
  data: { institutionId: 'inst-a', name: '郑州继续教育基地', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2013-01-10' },
};

export const courseFiled: DomainEvent = {
  type: 'CourseFiled',
  data: {
    courseId: 'c1',
    institutionId: 'inst-a',
    jurisdiction: 'zhengzhou',
    title: '课程 c1',
    category: 'professional',
    hours: 30,
    level: 'city',
    mode: 'in-person',
    startsOn: '2014-05-05',
    endsOn: '2014-05-08',
    filedOn: '2014-04-01',
  },
};

export const courseApproved: DomainEvent = { type: 'CourseApproved', data: { courseId: 'c1', approvalNo: 'ZZ-c1', approvedOn: '2014-04-10' } };

export function registered(personId: string, jurisdiction: 'zhengzhou' | 'suzhou' = 'zhengzhou'): DomainEvent {
  return {
    type: 'PersonRegistered',
    data: {
      personId,
      idNumberHash: 'a'.repeat(64),
      idNumberMasked: '4101**********9812',
      name: '张三丰',
      jurisdiction,
      titleLevel: 'intermediate',
      employerId: 'emp-1',
      registeredOn: '2014-01-02',
    },
  };
}

export const completed: DomainEvent = {
  type: 'CompletionRecorded',
  data: {
    creditId: 'p1:c1',
    personId: 'p1',
    courseId: 'c1',
    institutionId: 'inst-a',
    category: 'professional',
    completedOn: '2014-05-08',
    assessment: 'passed',
    hours: 30,
    creditYear: 2014,
    recordedOn: '2014-06-20',
  },
};

export const claimed: DomainEvent = {
  type: 'ConversionClaimed',
  data: { creditId: 'p1:cv-1', personId: 'p1', year: 2014, kind: 'paper-national', hours: 17, evidence: [], claimedOn: '2014-06-01' },
};

export const zhengzhouWorld: Given[] = [
  ['institution-inst-a', [accredited]],
  ['course-c1', [courseFiled, courseApproved]],
  ['person-p1', [registered('p1')]],
];
