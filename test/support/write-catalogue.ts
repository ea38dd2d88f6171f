import type { Role } from '../../schemas/common.js';
import { ID_NUMBERS } from './fixtures.js';

/**
 * Every write route with a payload that is valid in the world `seedZhengzhou` + `p1:c1` + unapproved course c3 builds, and
 * the roles that may call it. The authorization matrix and the malformed-body property test both
 * walk this table, so a new route is covered by adding one line.
 */
export interface WriteCase {
  url: string;
  roles: Role[];
  payload: (role: Role) => Record<string, unknown>;
}

export const WRITE_CASES: WriteCase[] = [
  { url: '/v1/institutions', roles: ['bureau'], payload: () => ({ institutionId: 'inst-new', name: '新基地', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2014-01-02' }) },
  { url: '/v1/institutions/inst-b/withdrawal', roles: ['bureau'], payload: () => ({ effectiveOn: '2014-07-01', reason: 'yearly review failed' }) },
  {
    url: '/v1/courses',
    roles: ['institution'],
    payload: () => ({ courseId: 'c-new', institutionId: 'inst-a', title: '新课程', category: 'professional', hours: 12, level: 'city', mode: 'online', startsOn: '2014-09-01', endsOn: '2014-09-02', filedOn: '2014-06-01' }),
  },
  { url: '/v1/courses/c3/approval', roles: ['bureau'], payload: () => ({ approvalNo: 'ZZ-3', approvedOn: '2014-06-10' }) },
  { url: '/v1/courses/c2/cancellation', roles: ['institution', 'bureau'], payload: () => ({ cancelledOn: '2014-06-01', reason: 'too few students' }) },
  { url: '/v1/persons', roles: ['bureau', 'employer'], payload: () => ({ personId: 'p2', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' }) },
  { url: '/v1/persons/p1/title', roles: ['bureau', 'employer'], payload: () => ({ to: 'deputy-senior', effectiveOn: '2014-07-01' }) },
  { url: '/v1/persons/p1/transfer', roles: ['bureau', 'employer'], payload: () => ({ toJurisdiction: 'suzhou', toEmployerId: 'emp-9', effectiveOn: '2014-08-01' }) },
  { url: '/v1/persons/p1/years/2014/assessment', roles: ['employer'], payload: () => ({ result: 'passed' }) },
  { url: '/v1/enrolments', roles: ['institution'], payload: () => ({ personId: 'p1', courseId: 'c2', enrolledOn: '2014-05-01', purpose: 'promotion' }) },
  { url: '/v1/completions', roles: ['institution'], payload: () => ({ personId: 'p1', courseId: 'c2', completedOn: '2014-05-08', assessment: 'passed' }) },
  { url: '/v1/completions/batch', roles: ['institution'], payload: () => ({ items: [{ personId: 'p1', courseId: 'c2', completedOn: '2014-05-08', assessment: 'passed' }] }) },
  { url: '/v1/conversions', roles: ['professional', 'employer'], payload: () => ({ personId: 'p1', year: 2014, kind: 'other', hours: 5, evidence: [] }) },
  { url: '/v1/credits/p1:c1/reviews', roles: ['employer', 'bureau'], payload: (role) => ({ stage: role === 'bureau' ? 'bureau' : 'employer', decision: 'approved' }) },
  { url: '/v1/credits/p1:c1/revocation', roles: ['bureau'], payload: () => ({ reason: 'no attendance record' }) },
  { url: '/v1/employers', roles: ['bureau'], payload: () => ({ employerId: 'emp-1', name: '郑州第一医院', type: 'public-institution', jurisdiction: 'zhengzhou' }) },
  { url: '/v1/institutions/inst-b/credit-file', roles: ['bureau'], payload: () => ({ kind: 'warning', description: 'no attendance records kept', effectiveOn: '2014-06-01' }) },
  { url: '/v1/persons/p1/years/2014/excuse', roles: ['bureau'], payload: () => ({ reason: 'long sick leave, certified' }) },
];
