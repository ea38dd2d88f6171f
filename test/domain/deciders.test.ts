import t from 'tap';
import { accreditInstitution, withdrawAccreditation } from '../../src/domain/commands/institutions.js';
import { approveCourse, cancelCourse, fileCourse } from '../../src/domain/commands/courses.js';
import { claimConversion, recordCompletion, reviewCredit, revokeCredit } from '../../src/domain/commands/credits.js';
import { signAssessment, transferPerson } from '../../src/domain/commands/persons.js';
import { changeTitle } from '../../src/eligibility/commands.js';
import type { DomainEvent } from '../../schemas/events.js';
import { shortDigest } from '../../src/domain/ids.js';
import { principals } from '../support/app.js';
import { scenario } from '../support/decider.js';
import type { Given } from '../support/decider.js';
import { accredited, claimed, completed, courseApproved, courseFiled, registered, zhengzhouWorld } from '../support/domain-facts.js';

const completion = { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' } as const;

t.test('institutions: accredit once, withdraw only after accreditation', async (t) => {
  const bureau = principals.zzBureau;
  const accredit = accredited.data as Parameters<typeof accreditInstitution>[1];
  await scenario(t, bureau).when((ctx) => accreditInstitution(ctx, accredit)).thenEvents([accredited]);
  await scenario(t, bureau, [['institution-inst-a', [accredited]]]).when((ctx) => accreditInstitution(ctx, accredit)).thenRejects('CONFLICT');
  await scenario(t, principals.szBureau).when((ctx) => accreditInstitution(ctx, accredit)).thenRejects('FORBIDDEN', undefined, 'another jurisdiction');
  const withdraw = { effectiveOn: '2014-07-01', reason: 'yearly review failed' };
  await scenario(t, bureau).when((ctx) => withdrawAccreditation(ctx, 'inst-a', withdraw)).thenRejects('NOT_FOUND', undefined, 'nothing to withdraw');
  await scenario(t, bureau, [['institution-inst-a', [accredited]]])
    .when((ctx) => withdrawAccreditation(ctx, 'inst-a', { ...withdraw, effectiveOn: '2012-12-31' }))
    .thenRejects('RULE_VIOLATION', 'ZZ-4', 'withdrawal before accreditation');
  await scenario(t, bureau, [['institution-inst-a', [accredited]]])
    .when((ctx) => withdrawAccreditation(ctx, 'inst-a', withdraw))
    .thenEvents([{ type: 'InstitutionAccreditationWithdrawn', data: { institutionId: 'inst-a', ...withdraw } }]);
});

t.test('courses: filed by their own accredited institution, approved once, never after cancellation', async (t) => {
  const file = { ...courseFiled.data } as Record<string, unknown>;
  delete file.jurisdiction;
  const cmd = file as Parameters<typeof fileCourse>[1];
  await scenario(t, principals.instA, [['institution-inst-a', [accredited]]]).when((ctx) => fileCourse(ctx, cmd)).thenEvents([courseFiled], 'the jurisdiction comes from the institution');
  await scenario(t, principals.instA).when((ctx) => fileCourse(ctx, cmd)).thenRejects('NOT_FOUND', undefined, 'unknown institution');
  await scenario(t, principals.instB, [['institution-inst-a', [accredited]]]).when((ctx) => fileCourse(ctx, cmd)).thenRejects('FORBIDDEN');
  const approval = { approvalNo: 'ZZ-c1', approvedOn: '2014-04-10' };
  await scenario(t, principals.zzBureau, [['course-c1', [courseFiled]]]).when((ctx) => approveCourse(ctx, 'c1', approval)).thenEvents([courseApproved]);
  await scenario(t, principals.zzBureau, [['course-c1', [courseFiled, courseApproved]]]).when((ctx) => approveCourse(ctx, 'c1', approval)).thenRejects('CONFLICT');
  const cancelled = { type: 'CourseCancelled', data: { courseId: 'c1', cancelledOn: '2014-04-20', reason: 'too few students' } } as const;
  await scenario(t, principals.zzBureau, [['course-c1', [courseFiled, cancelled]]]).when((ctx) => approveCourse(ctx, 'c1', approval)).thenRejects('CONFLICT', undefined, 'cancelled');
  await scenario(t, principals.instA, [['course-c1', [courseFiled]]]).when((ctx) => cancelCourse(ctx, 'c1', cancelled.data)).thenEvents([cancelled]);
});

t.test('completions: the course bounds them; one per course and person', async (t) => {
  const inst = principals.instA;
  await scenario(t, inst, zhengzhouWorld).when((ctx) => recordCompletion(ctx, completion)).thenEvents([completed]);
  await scenario(t, inst, zhengzhouWorld).when((ctx) => recordCompletion(ctx, { ...completion, completedOn: '2014-05-04' })).thenRejects('RULE_VIOLATION', undefined, 'before the course starts');
  await scenario(t, inst, zhengzhouWorld).when((ctx) => recordCompletion(ctx, { ...completion, completedOn: '2014-05-09' })).thenRejects('RULE_VIOLATION', undefined, 'after the course ends');
  await scenario(t, inst, zhengzhouWorld).when((ctx) => recordCompletion(ctx, { ...completion, hours: 30.5 })).thenRejects('RULE_VIOLATION', undefined, "above the course's hours");
  await scenario(t, inst, zhengzhouWorld)
    .when((ctx) => recordCompletion(ctx, { ...completion, hours: 12 }))
    .thenEvents([{ ...completed, data: { ...completed.data, hours: 12 } } as typeof completed], 'fewer hours than the course');
  await scenario(t, inst, [...zhengzhouWorld.slice(0, 2), ['person-p1', [registered('p1'), completed]]])
    .when((ctx) => recordCompletion(ctx, { ...completion, completedOn: '2014-05-07' }))
    .thenRejects('CONFLICT', undefined, 'a second completion of the course');
  const cancelled = { type: 'CourseCancelled', data: { courseId: 'c1', cancelledOn: '2014-04-20', reason: 'x' } } as const;
  await scenario(t, inst, [zhengzhouWorld[0]!, ['course-c1', [courseFiled, cancelled]], zhengzhouWorld[2]!])
    .when((ctx) => recordCompletion(ctx, completion))
    .thenRejects('RULE_VIOLATION', undefined, 'cancelled course');
  await scenario(t, inst, zhengzhouWorld.slice(0, 2)).when((ctx) => recordCompletion(ctx, completion)).thenRejects('NOT_FOUND', undefined, 'unknown person');
  await scenario(t, principals.instB, zhengzhouWorld).when((ctx) => recordCompletion(ctx, completion)).thenRejects('NOT_FOUND', undefined, "another institution's course: as for no such course");
});

t.test('conversions: the jurisdiction decides which kinds and what range', async (t) => {
  const sz: Given[] = [['person-p1', [registered('p1', 'suzhou')]]];
  const claim = { personId: 'p1', year: 2014, kind: 'paper-national' as const, hours: 17, evidence: [] };
  await scenario(t, principals.professional, sz).when((ctx) => claimConversion(ctx, { ...claim, hours: 21 })).thenRejects('RULE_VIOLATION', 'SZ-5', 'above the range');
  await scenario(t, principals.professional, zhengzhouWorld).when((ctx) => claimConversion(ctx, claim)).thenRejects('RULE_VIOLATION', 'ZZ-4', 'Zhengzhou recognises none');
  await scenario(t, principals.otherProfessional, sz).when((ctx) => claimConversion(ctx, claim)).thenRejects('NOT_FOUND', undefined, 'for someone else: as for no such person');
  const id = `p1:cv-${shortDigest('k1')}`;
  await scenario(t, principals.professional, sz)
    .when((ctx) => claimConversion({ ...ctx, idempotencyKey: 'k1' }, claim))
    .thenEvents([{ type: 'ConversionClaimed', data: { ...claim, evidence: [], creditId: id, claimedOn: '2014-06-20' } }], 'the credit id names the person and derives from the key');
});

t.test('reviews: employer first for claims, a range for the value, nothing after revocation', async (t) => {
  const world = (...more: DomainEvent[]) => [['person-p1', [registered('p1', 'suzhou'), claimed, ...more]]] as Given[];
  const review = (stage: 'employer' | 'bureau', hours?: number) => ({ stage, decision: 'approved' as const, ...(hours ? { hours } : {}) });
  const reviewed = (stage: 'employer' | 'bureau', hours?: number): DomainEvent => ({
    type: 'CreditReviewed',
    data: { creditId: 'p1:cv-1', personId: 'p1', ...review(stage, hours), reviewedOn: '2014-06-20' },
  });
  await scenario(t, principals.employer, world()).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('employer', 18))).thenEvents([reviewed('employer', 18)]);
  await scenario(t, principals.employer, world()).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('employer', 21))).thenRejects('RULE_VIOLATION', 'SZ-5', 'a value outside the range');
  await scenario(t, principals.szBureau, world()).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('bureau'))).thenRejects('CONFLICT', undefined, 'bureau before the employer');
  await scenario(t, principals.szBureau, world(reviewed('employer', 18))).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('bureau'))).thenEvents([reviewed('bureau')]);
  await scenario(t, principals.employer, world(reviewed('employer', 18), reviewed('bureau')))
    .when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('employer', 17)))
    .thenRejects('CONFLICT', undefined, 'employer after the bureau');
  await scenario(t, principals.otherEmployer, world()).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('employer'))).thenRejects('NOT_FOUND', undefined, "another employer's staff: as for no such credit");
  await scenario(t, principals.employer, world()).when((ctx) => reviewCredit(ctx, 'p1:cv-9', review('employer'))).thenRejects('NOT_FOUND', undefined, 'unknown credit');
  await scenario(t, principals.employer, world()).when((ctx) => reviewCredit(ctx, 'no-person-part', review('employer'))).thenRejects('NOT_FOUND', undefined, 'a credit id without a person');
  const revoked: DomainEvent = { type: 'CreditRevoked', data: { creditId: 'p1:cv-1', personId: 'p1', reason: 'paper retracted', revokedOn: '2014-06-20' } };
  await scenario(t, principals.szBureau, world()).when((ctx) => revokeCredit(ctx, 'p1:cv-1', { reason: 'paper retracted' })).thenEvents([revoked]);
  await scenario(t, principals.szBureau, world(revoked)).when((ctx) => revokeCredit(ctx, 'p1:cv-1', { reason: 'again' })).thenRejects('CONFLICT', undefined, 'revoked twice');
  await scenario(t, principals.employer, world(revoked)).when((ctx) => reviewCredit(ctx, 'p1:cv-1', review('employer'))).thenRejects('CONFLICT', undefined, 'review of a revoked credit');
  await scenario(t, principals.zzBureau, world()).when((ctx) => revokeCredit(ctx, 'p1:cv-1', { reason: 'x' })).thenRejects('NOT_FOUND', undefined, 'another bureau: as for no such credit');
});

t.test('persons: title, transfer and the yearly assessment', async (t) => {
  const p1: Given[] = [['person-p1', [registered('p1')]]];
  await scenario(t, principals.employer, p1)
    .when((ctx) => changeTitle(ctx, 'p1', { to: 'deputy-senior', effectiveOn: '2014-07-01' }))
    .thenEvents([{ type: 'PersonTitleChanged', data: { personId: 'p1', from: 'intermediate', to: 'deputy-senior', effectiveOn: '2014-07-01' } }]);
  await scenario(t, principals.employer, p1).when((ctx) => changeTitle(ctx, 'p1', { to: 'intermediate', effectiveOn: '2014-07-01' })).thenRejects('CONFLICT', undefined, 'same title');
  await scenario(t, principals.employer, p1)
    .when((ctx) => transferPerson(ctx, 'p1', { toJurisdiction: 'suzhou', toEmployerId: 'emp-9', effectiveOn: '2014-08-01' }))
    .thenEvents([{ type: 'PersonTransferred', data: { personId: 'p1', fromJurisdiction: 'zhengzhou', fromEmployerId: 'emp-1', toJurisdiction: 'suzhou', toEmployerId: 'emp-9', effectiveOn: '2014-08-01' } }]);
  const signed: DomainEvent = { type: 'AnnualAssessmentSigned', data: { personId: 'p1', year: 2014, employerId: 'emp-1', result: 'passed', signedOn: '2014-06-20' } };
  await scenario(t, principals.employer, p1).when((ctx) => signAssessment(ctx, 'p1', 2014, { result: 'passed' })).thenEvents([signed]);
  await scenario(t, principals.employer, [['person-p1', [registered('p1'), signed]]]).when((ctx) => signAssessment(ctx, 'p1', 2014, { result: 'failed' })).thenRejects('CONFLICT', undefined, 'signed twice');
  await scenario(t, principals.otherEmployer, p1).when((ctx) => signAssessment(ctx, 'p1', 2014, { result: 'passed' })).thenRejects('NOT_FOUND', undefined, "another employer's staff: as for no such person");
  await scenario(t, principals.employer).when((ctx) => signAssessment(ctx, 'p1', 2014, { result: 'passed' })).thenRejects('NOT_FOUND');
});
