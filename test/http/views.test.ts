import { join } from 'node:path';
import t from 'tap';
import type { z } from 'zod';
import { CourseView, DirectoryEntryView, InstitutionView, RosterEntryView, StaffMemberView, UnstampedView } from '../../schemas/views.js';
import { pageSchema } from '../../src/http/lists.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

/** Zhengzhou's seed with p1 complete and p3 (junior, same employer) short; returns the last write's position. */
async function zhengzhouYear(app: TestApp) {
  await seedZhengzhou(app);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p3', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed', proofNumber: `P-${courseId}` });
  return (await ok(app, principals.instA, '/v1/completions', { personId: 'p3', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' })).position as string;
}

const get = async (app: TestApp, p: Parameters<TestApp['as']>[0], url: string) => {
  const res = await app.as(p, { url });
  return { status: res.statusCode, body: res.statusCode < 300 && res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : undefined, res };
};
/** A refusal's status and body. */
const refused = async (app: TestApp, p: Parameters<TestApp['as']>[0], url: string) => {
  const res = await app.as(p, { url });
  return [res.statusCode, res.json()];
};

t.test('institutions: record with courses and completions, list by scope', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const position = await zhengzhouYear(app);
  const one = await get(app, principals.zzBureau, `/v1/institutions/inst-a?minPosition=${position}`);
  t.equal(one.status, 200);
  t.match(one.body, { institutionId: 'inst-a', name: '郑州继续教育基地', status: 'accredited', courses: 3, completions: 4, lateEntries: 0 });
  t.same(one.body.accreditation, [{ action: 'accredited', on: '2013-01-10' }]);
  t.equal((await get(app, principals.instA, '/v1/institutions/inst-a')).status, 200, 'the institution itself');
  t.equal((await get(app, principals.instB, '/v1/institutions/inst-a')).status, 403, 'another institution');
  t.same(await refused(app, principals.szBureau, '/v1/institutions/inst-a'), [404, { error: { code: 'NOT_FOUND', message: 'institution inst-a not found' } }], "another jurisdiction's bureau: as for no such institution");
  t.equal((await get(app, principals.employer, '/v1/institutions/inst-a')).status, 403, 'employers do not read institutions');
  t.equal((await get(app, principals.zzBureau, '/v1/institutions/nowhere')).status, 404);

  const list = await get(app, principals.zzBureau, '/v1/institutions');
  t.same(list.body.items.map((i: { institutionId: string }) => i.institutionId), ['inst-a', 'inst-b']);
  t.same((await get(app, principals.szBureau, '/v1/institutions')).body.items, [], 'a bureau lists its own jurisdiction');
  t.equal((await get(app, principals.szBureau, '/v1/institutions?jurisdiction=zhengzhou')).status, 403);
  t.same((await get(app, principals.instB, '/v1/institutions')).body.items.map((i: { institutionId: string }) => i.institutionId), ['inst-b'], 'an institution sees itself');

  const withdrawn = await ok(app, principals.zzBureau, '/v1/institutions/inst-b/withdrawal', { effectiveOn: '2014-06-01', reason: '年度审核不合格' });
  const after = await get(app, principals.auditor, `/v1/institutions?jurisdiction=zhengzhou&status=withdrawn&minPosition=${withdrawn.position}`);
  t.same(after.body.items.map((i: { institutionId: string; status: string }) => [i.institutionId, i.status]), [['inst-b', 'withdrawn']]);
  t.same(after.body.items[0].accreditation.at(-1), { action: 'withdrawn', on: '2014-06-01', reason: '年度审核不合格' });
});

t.test('ST-9: a Shantou institution that enters results late shows it per course, with the days late', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.stBureau, '/v1/institutions', { institutionId: 'st-inst', name: '汕头培训中心', jurisdiction: 'shantou', level: 'city', accreditedOn: '2013-01-10' });
  await ok(app, principals.employer, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.st, name: '陈一', jurisdiction: 'shantou', titleLevel: 'intermediate', employerId: 'emp-1' });
  for (const [courseId, endsOn] of [['st-late', '2014-05-08'], ['st-on-time', '2014-06-18']] as const) {
    await ok(app, { role: 'institution', sub: 'st-inst' }, '/v1/courses', {
      courseId,
      institutionId: 'st-inst',
      title: '专业技术人员心理健康与心理调适',
      category: 'professional',
      hours: 21,
      level: 'city',
      mode: 'in-person',
      startsOn: '2014-05-05',
      endsOn,
      filedOn: '2014-04-01',
    });
  }
  // Entered on 2014-06-20 (the test clock): 5 working days after 2014-05-08 is 2014-05-15, 36 days before.
  await ok(app, { role: 'institution', sub: 'st-inst' }, '/v1/completions', { personId: 'p1', courseId: 'st-late', completedOn: '2014-05-08', assessment: 'passed' });
  const last = await ok(app, { role: 'institution', sub: 'st-inst' }, '/v1/completions', { personId: 'p1', courseId: 'st-on-time', completedOn: '2014-06-18', assessment: 'passed' });
  const inst = await get(app, principals.stBureau, `/v1/institutions/st-inst?minPosition=${last.position}`);
  t.match(inst.body, { completions: 2, lateEntries: 1 });
  t.same(inst.body.lateByCourse, { 'st-late': { entries: 1, maxDaysLate: 36 } });
  const roster = await get(app, principals.stBureau, '/v1/courses/st-late/roster');
  t.same(roster.body.items.map((e: { personId: string; daysLate: number }) => [e.personId, e.daysLate]), [['p1', 36]]);
  const late = await get(app, principals.stBureau, '/v1/institutions?late=true');
  t.same(late.body.items.map((i: { institutionId: string }) => i.institutionId), ['st-inst']);
});

t.test('courses: filters, stable cursor across concurrent writes, CSV with BOM', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const position = await zhengzhouYear(app);
  const all = await get(app, principals.zzBureau, `/v1/courses?minPosition=${position}`);
  t.same(all.body.items.map((c: { courseId: string }) => c.courseId), ['c-pub', 'c1', 'c2']);
  t.match(all.body.items[1], { courseId: 'c1', status: 'approved', approval: { approvalNo: 'ZZ-c1', approvedOn: '2014-04-10' }, completions: 2 });
  t.same((await get(app, principals.zzBureau, '/v1/courses?category=public')).body.items.map((c: { courseId: string }) => c.courseId), ['c-pub']);
  t.same((await get(app, principals.zzBureau, '/v1/courses?year=2015')).body.items, []);

  const first = await get(app, principals.zzBureau, '/v1/courses?limit=2');
  t.same(first.body.items.map((c: { courseId: string }) => c.courseId), ['c-pub', 'c1']);
  t.type(first.body.nextCursor, 'string');
  // Written between the two pages: one course sorts before the cursor, one after.
  for (const courseId of ['c0', 'c3']) {
    await ok(app, principals.instA, '/v1/courses', { courseId, institutionId: 'inst-a', title: `课程 ${courseId}`, category: 'professional', hours: 30, level: 'city', mode: 'in-person', startsOn: '2014-09-01', endsOn: '2014-09-03', filedOn: '2014-07-01' });
  }
  const cancelled = await ok(app, principals.instA, '/v1/courses/c3/cancellation', { cancelledOn: '2014-06-20', reason: '报名不足' });
  const second = await get(app, principals.zzBureau, `/v1/courses?limit=2&cursor=${first.body.nextCursor}&minPosition=${cancelled.position}`);
  t.same(second.body.items.map((c: { courseId: string; status: string }) => [c.courseId, c.status]), [['c2', 'approved'], ['c3', 'cancelled']], 'no repeat, no skip; c0 came before the cursor');
  t.equal(second.body.nextCursor, null);

  t.equal((await get(app, principals.zzBureau, '/v1/courses?cursor=not-a-cursor')).status, 400);
  const badCursor = await app.as(principals.zzBureau, { url: '/v1/courses?cursor=not-a-cursor' });
  t.equal(badCursor.json().error.details[0].path, 'querystring.cursor');
  t.equal((await get(app, principals.instB, '/v1/courses?institutionId=inst-a')).status, 403, 'an institution lists its own courses');
  t.same((await get(app, principals.instB, '/v1/courses')).body.items, []);
  t.same(await refused(app, principals.szBureau, '/v1/courses/c1'), [404, { error: { code: 'NOT_FOUND', message: 'course c1 not found' } }], "another jurisdiction's bureau: as for no such course");
  t.equal((await get(app, principals.instA, '/v1/courses/c1')).status, 200);

  const csv = await app.as(principals.zzBureau, { url: '/v1/courses?format=csv&category=professional&limit=1' });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/);
  const lines = csv.body.split('\r\n');
  t.ok(lines[0]!.startsWith('\uFEFFcourseId,institutionId,title,'), 'a BOM, then the header');
  t.equal(lines.length, 6, 'header, every professional course (c0 c1 c2 c3: the CSV reads all pages), and the final line end');
  t.match(lines[2], /^c1,inst-a,课程 c1,professional,30,2014-05-05,2014-05-08,2014-04-01,approved,ZZ-c1,,,2,0$/);
});

t.test('a course roster: who completed it, with proof numbers; a revoked credit shows', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await zhengzhouYear(app);
  const revoked = await ok(app, principals.zzBureau, '/v1/credits/p1:c1/revocation', { reason: '无签到记录' });
  const roster = await get(app, principals.instA, `/v1/courses/c1/roster?minPosition=${revoked.position}`);
  t.equal(roster.status, 200);
  t.same(
    roster.body.items.map((e: { personId: string; creditId: string; proofNumber: string | null; revoked: boolean; hours: number }) => [e.personId, e.creditId, e.proofNumber, e.hours, e.revoked]),
    [
      ['p1', 'p1:c1', 'P-c1', 30, true],
      ['p3', 'p3:c1', null, 30, false],
    ],
  );
  const paged = await get(app, principals.instA, '/v1/courses/c1/roster?limit=1');
  t.same(paged.body.items.map((e: { personId: string }) => e.personId), ['p1']);
  const next = await get(app, principals.instA, `/v1/courses/c1/roster?limit=1&cursor=${paged.body.nextCursor}`);
  t.same(next.body.items.map((e: { personId: string }) => e.personId), ['p3']);
  t.same(await refused(app, principals.instB, '/v1/courses/c1/roster'), [404, { error: { code: 'NOT_FOUND', message: 'course c1 not found' } }], "another institution's course: as for no such course");
  t.equal((await get(app, principals.zzBureau, '/v1/courses/nope/roster')).status, 404);
});

t.test("an employer's staff in a year: hours, shortfall per floor, certificate state; only the short ones", async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const position = await zhengzhouYear(app);
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const staff = await get(app, principals.employer, `/v1/employers/emp-1/staff?year=2014&minPosition=${issued.position}`);
  t.equal(staff.status, 200);
  t.same(
    staff.body.items.map((s: { personId: string; name: string; compliant: boolean; counted: { total: number }; shortfall: object; certificate: { status: string } | null }) => [
      s.personId,
      s.name,
      s.compliant,
      s.counted.total,
      s.shortfall,
      s.certificate?.status ?? null,
    ]),
    [
      ['p1', '张三丰', true, 86, { public: 0, professional: 0, elective: 0, total: 0 }, 'unstamped'],
      ['p3', '李四', false, 30, { public: 22, professional: 22, elective: 0, total: 44 }, null],
    ],
  );
  const short = await get(app, principals.employer, '/v1/employers/emp-1/staff?year=2014&compliant=false');
  t.same(short.body.items.map((s: { personId: string }) => s.personId), ['p3']);
  t.same(short.body.items[0].required, { total: 74, floors: { professional: 52, public: 22 }, ruleIds: ['ZZ-2'] });
  t.equal((await get(app, principals.otherEmployer, '/v1/employers/emp-1/staff?year=2014')).status, 403, 'another employer');
  t.same((await get(app, principals.szBureau, '/v1/employers/emp-1/staff?year=2014')).body.items, [], "a bureau sees its jurisdiction's staff only");
  t.equal((await get(app, principals.zzBureau, `/v1/employers/emp-1/staff?year=2014&minPosition=${position}`)).body.items.length, 2);
  t.equal((await get(app, principals.employer, '/v1/employers/emp-1/staff')).status, 400, 'the year is required');
  const csv = await app.as(principals.employer, { url: '/v1/employers/emp-1/staff?year=2014&format=csv' });
  t.equal(csv.body.split('\r\n')[2], 'p3,李四,junior,false,0,30,0,30,22,22,0,44,,');

  // A transfer in force at the year's end takes the year's line to the new employer, and off the old one's list.
  const moved = await ok(app, principals.zzBureau, '/v1/persons/p3/transfer', { toJurisdiction: 'suzhou', toEmployerId: 'emp-2', effectiveOn: '2014-06-20' });
  const staffOf = async (employer: string) =>
    (await get(app, principals.auditor, `/v1/employers/${employer}/staff?year=2014&minPosition=${moved.position}`)).body.items.map((s: { personId: string; jurisdiction: string }) => [s.personId, s.jurisdiction]);
  t.same(await staffOf('emp-1'), [['p1', 'zhengzhou']]);
  t.same(await staffOf('emp-2'), [['p3', 'suzhou']]);
});

t.test('bureau worklists: credits awaiting its review, certificates awaiting the stamp', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.sz, name: '王五', jurisdiction: 'suzhou', titleLevel: 'intermediate', employerId: 'emp-1' });
  // SZ-7: a conversion of another kind counts once the city bureau has fixed its value, after the employer's review.
  const claim = await ok(app, principals.professional, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'other', hours: 8, evidence: [{ kind: 'other', ref: '技术报告 2014-03' }] });
  const before = await get(app, principals.szBureau, `/v1/worklists/reviews?minPosition=${claim.position}`);
  t.same(before.body.items, [], "waiting for the employer: not yet the bureau's work");
  const employer = await ok(app, principals.employer, `/v1/credits/${claim.creditId}/reviews`, { stage: 'employer', decision: 'approved' });
  const waiting = await get(app, principals.szBureau, `/v1/worklists/reviews?minPosition=${employer.position}`);
  t.equal(waiting.status, 200);
  t.same(waiting.body.items.map((y: { personId: string; year: number; credits: { creditId: string; ruleId: string; reviews: { stage: string }[] }[] }) => [y.personId, y.year, y.credits.map((c) => [c.creditId, c.ruleId, c.reviews.map((r) => r.stage)])]), [
    ['p1', 2014, [[claim.creditId, 'SZ-7', ['employer']]]],
  ]);
  t.same((await get(app, principals.zzBureau, '/v1/worklists/reviews')).body.items, [], "another bureau's worklist");
  t.equal((await get(app, principals.auditor, '/v1/worklists/reviews')).status, 400, 'an auditor names the jurisdiction');
  t.equal((await get(app, principals.auditor, '/v1/worklists/reviews?jurisdiction=suzhou')).body.items.length, 1);
  t.equal((await get(app, principals.employer, '/v1/worklists/reviews')).status, 403);
  const reviewed = await ok(app, principals.szBureau, `/v1/credits/${claim.creditId}/reviews`, { stage: 'bureau', decision: 'approved', hours: 8 });
  t.same((await get(app, principals.szBureau, `/v1/worklists/reviews?minPosition=${reviewed.position}`)).body.items, [], 'reviewed: off the list');
});

t.test('certificates awaiting the stamp, with the next ST-12 stamp day in Shantou', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await zhengzhouYear(app);
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const list = await get(app, principals.zzBureau, `/v1/worklists/unstamped-certificates?minPosition=${issued.position}`);
  t.same(list.body.items, [{ certificateNumber: issued.certificateNumber, personId: 'p1', name: '张三丰', year: 2014, issuedOn: '2014-06-20', nextStampDay: null }]);
  const stamped = await ok(app, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人力资源和社会保障局' });
  t.same((await get(app, principals.zzBureau, `/v1/worklists/unstamped-certificates?minPosition=${stamped.position}`)).body.items, []);
  const st = await get(app, principals.stBureau, '/v1/worklists/unstamped-certificates');
  t.same(st.body.items, []);
});

t.test('finding persons: by name in the URL, by ID number in a body; in the bureau’s jurisdiction', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const position = await zhengzhouYear(app);
  const byName = await get(app, principals.zzBureau, `/v1/persons?name=${encodeURIComponent('张')}&minPosition=${position}`);
  t.same(byName.body.items, [{ personId: 'p1', name: '张三丰', idNumberMasked: '4101**********9812', jurisdiction: 'zhengzhou', employerId: 'emp-1', titleLevel: 'intermediate', registeredOn: '2014-06-20' }]);
  t.same((await get(app, principals.zzBureau, '/v1/persons?titleLevel=junior')).body.items.map((p: { personId: string }) => p.personId), ['p3']);
  const all = await get(app, principals.zzBureau, '/v1/persons?limit=1');
  t.same(all.body.items.map((p: { personId: string }) => p.personId), ['p1'], 'ordered by name: 张 before 李 in code-point order');
  const rest = await get(app, principals.zzBureau, `/v1/persons?limit=1&cursor=${all.body.nextCursor}`);
  t.same(rest.body.items.map((p: { personId: string }) => p.personId), ['p3']);
  const byNumber = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/search', payload: { idNumber: ID_NUMBERS.p1 } });
  t.equal(byNumber.statusCode, 200);
  t.same(byNumber.json().items.map((p: { personId: string }) => p.personId), ['p1']);
  t.notMatch(byNumber.body, ID_NUMBERS.p1, 'the number is not echoed');
  const elsewhere = await app.as(principals.szBureau, { method: 'POST', url: '/v1/persons/search', payload: { idNumber: ID_NUMBERS.p1 } });
  t.same(elsewhere.json().items, [], "another jurisdiction's bureau does not find the person");
  t.same((await get(app, principals.szBureau, '/v1/persons')).body.items, []);
  t.equal((await get(app, principals.employer, '/v1/persons')).status, 403);
  const transferred = await ok(app, principals.zzBureau, '/v1/persons/p3/transfer', { toJurisdiction: 'suzhou', toEmployerId: 'emp-2', effectiveOn: '2014-06-20' });
  const moved = await get(app, principals.szBureau, `/v1/persons?minPosition=${transferred.position}`);
  t.same(moved.body.items.map((p: { personId: string; employerId: string }) => [p.personId, p.employerId]), [['p3', 'emp-2']], 'a transfer moves the person to the new bureau');
});

t.test("a person's credits with how each counted and its review chain", async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const position = await zhengzhouYear(app);
  const res = await get(app, principals.professional, `/v1/persons/p1/credits?minPosition=${position}`);
  t.equal(res.status, 200);
  t.same(
    res.body.credits.map((c: { creditId: string; year: number; status: string; counted: number; courseId: string }) => [c.creditId, c.year, c.courseId, c.status, c.counted]),
    [
      ['p1:c-pub', 2014, 'c-pub', 'counted', 26],
      ['p1:c1', 2014, 'c1', 'counted', 30],
      ['p1:c2', 2014, 'c2', 'counted', 30],
    ],
  );
  const revoked = await ok(app, principals.zzBureau, '/v1/credits/p1:c1/revocation', { reason: '无签到记录' });
  const excluded = await get(app, principals.employer, `/v1/persons/p1/credits?status=excluded&minPosition=${revoked.position}`);
  t.same(excluded.body.credits.map((c: { creditId: string; revoked: boolean; reasons: { ruleId: string }[] }) => [c.creditId, c.revoked, c.reasons.map((r) => r.ruleId)]), [['p1:c1', true, ['GEN-1']]]);
  t.equal((await get(app, principals.otherEmployer, '/v1/persons/p1/credits')).status, 404, 'out of scope: answered as for a person that does not exist');
});

t.test('OpenAPI documents the views with their response schemas', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const doc = (await app.app.inject({ url: '/openapi.json' })).json();
  for (const path of ['/v1/institutions', '/v1/institutions/{id}', '/v1/courses', '/v1/courses/{id}', '/v1/courses/{id}/roster', '/v1/employers/{id}/staff', '/v1/worklists/reviews', '/v1/worklists/unstamped-certificates', '/v1/persons/{id}/credits']) {
    t.ok(doc.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema, `${path}: a 200 response schema`);
  }
  t.ok(doc.paths['/v1/persons/search']?.post, 'search by ID number is a POST');
});

for (const [where, options] of [
  ['in the thread that answers', () => ({})],
  ['on a reader thread', () => {
    const tmp = tempDir();
    return { readModelFile: join(tmp.dir, 'readmodels.db'), readerThreads: 1, remove: tmp.remove };
  }],
] as const) t.test(`every list walks page by page to the same rows as one page, and exports them all as CSV (read ${where})`, async (t) => {
  const { remove, ...o } = { remove: undefined as (() => void) | undefined, ...options() };
  const app = await testApp(o);
  t.teardown(async () => {
    await app.close();
    remove?.();
  });
  await zhengzhouYear(app);
  await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  await ok(app, principals.employer, '/v1/persons', { personId: 'p4', idNumber: ID_NUMBERS.fz, name: '赵六', jurisdiction: 'zhengzhou', titleLevel: 'senior', employerId: 'emp-1' });
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p4', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const last = await ok(app, principals.zzBureau, '/v1/persons/p4/years/2014/certificate', {});
  const lists: [string, Parameters<TestApp['as']>[0], string, (item: Record<string, unknown>) => unknown, z.ZodType][] = [
    ['/v1/institutions', principals.zzBureau, 'institutionId', (i) => i.institutionId, InstitutionView],
    ['/v1/courses', principals.zzBureau, 'courseId', (i) => i.courseId, CourseView],
    ['/v1/courses/c1/roster', principals.instA, 'personId', (i) => i.personId, RosterEntryView],
    ['/v1/employers/emp-1/staff?year=2014', principals.employer, 'personId', (i) => i.personId, StaffMemberView],
    ['/v1/worklists/unstamped-certificates', principals.zzBureau, 'certificateNumber', (i) => i.certificateNumber, UnstampedView],
    ['/v1/persons', principals.zzBureau, 'personId', (i) => i.personId, DirectoryEntryView],
  ];
  for (const [url, who, column, key, view] of lists) {
    const sep = url.includes('?') ? '&' : '?';
    const whole = (await get(app, who, `${url}${sep}limit=200&minPosition=${last.position}`)).body;
    t.ok(whole.items.length >= 2, `${url}: ${whole.items.length} rows to page through`);
    // Some lists send their read model's JSON text as it is: it must be the schema's shape exactly.
    t.strictSame(whole, pageSchema(view).parse(whole), `${url}: the answer is its response schema, nothing more or less`);
    t.equal(whole.nextCursor, null);
    const walked: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Record<string, unknown>[]; nextCursor: string | null } = (await get(app, who, `${url}${sep}limit=1${cursor ? `&cursor=${cursor}` : ''}`)).body;
      t.ok(page.items.length <= 1);
      walked.push(...page.items.map(key));
      cursor = page.nextCursor;
    } while (cursor);
    t.same(walked, whole.items.map(key), `${url}: pages of one give the same rows in the same order`);
    const csv = await app.as(who, { url: `${url}${sep}format=csv&limit=1` });
    t.match(csv.headers['content-type'], /^text\/csv/);
    const lines = csv.body.split('\r\n').filter((l) => l !== '');
    t.ok(lines[0]!.startsWith(`\uFEFF${column},`), `${url}: BOM and header`);
    t.same(lines.slice(1).map((l) => l.split(',')[0]), whole.items.map(key).map(String), `${url}: the CSV holds every row`);
  }
});
