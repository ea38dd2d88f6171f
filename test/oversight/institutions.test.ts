import t from 'tap';
import type { Principal } from '../../src/security/principal.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok } from '../support/fixtures.js';

const ST_IDS = [ID_NUMBERS.st, ID_NUMBERS.p1, ID_NUMBERS.p2];

async function institution(app: TestApp, bureau: Principal, institutionId: string, jurisdiction: string) {
  await ok(app, bureau, '/v1/institutions', { institutionId, name: `基地 ${institutionId}`, jurisdiction, level: 'city', accreditedOn: '2013-01-10' });
}

async function course(app: TestApp, courseId: string, category: 'public' | 'professional', filedOn: string, institution = principals.instA) {
  await ok(app, institution, '/v1/courses', {
    courseId, institutionId: institution.sub, title: `课程 ${courseId}`, category, hours: 12, level: 'city', mode: 'in-person',
    startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn,
  });
}

async function persons(app: TestApp, bureau: Principal, jurisdiction: string, n: number) {
  for (let k = 0; k < n; k++) {
    await ok(app, bureau, '/v1/persons', { personId: `p${k + 1}`, idNumber: ST_IDS[k]!, name: `学员${k + 1}`, jurisdiction, titleLevel: 'intermediate', employerId: 'emp-1' });
  }
}

async function read(app: TestApp, who: Principal, url: string, position: string) {
  await app.read.runner.waitForPosition(BigInt(position), 2000);
  const res = await app.as(who, { method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

t.test('ST-9 / ST-10: a late-entering Shantou institution shows its late entries per course, with days late, and its late filing', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await institution(app, principals.stBureau, 'inst-a', 'shantou');
  await course(app, 'pub', 'public', '2014-04-20');
  await course(app, 'pro', 'professional', '2014-04-01');
  await persons(app, principals.stBureau, 'shantou', 2);
  // The course ended on Thursday 2014-05-08: results were due by 2014-05-15; the clock is at 2014-06-20.
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'pro', completedOn: '2014-05-08', assessment: 'passed', proofNumber: 'ST-1' });
  const last = await ok(app, principals.instA, '/v1/completions', { personId: 'p2', courseId: 'pro', completedOn: '2014-05-08', assessment: 'passed', proofNumber: 'ST-2' });

  const record = await read(app, principals.stBureau, '/v1/institutions/inst-a', last.position);
  t.equal(record.lateEntries, 2);
  t.same(record.lateByCourse, { pro: { entries: 2, maxDaysLate: 36 } });
  const oversight = await read(app, principals.instA, '/v1/institutions/inst-a/oversight', last.position);
  t.same(
    oversight.flags.map((f: { ruleId: string; courseId: string; count: number }) => [f.ruleId, f.courseId, f.count]),
    [['ST-9', 'pro', 2], ['ST-10', 'pub', 1]],
  );
  t.match(oversight.flags[1].message, /filed on 2014-04-20, after 2014-04-15/);
  t.equal(oversight.severity, 3);
  const list = await read(app, principals.stBureau, '/v1/worklists/institutions', last.position);
  t.same(list.items.map((i: { institutionId: string }) => i.institutionId), ['inst-a']);
  t.equal((await app.as(principals.zzBureau, { method: 'GET', url: '/v1/institutions/inst-a/oversight' })).statusCode, 404, 'another bureau: as for no such institution');
});

t.test('FZ-4 / FZ-5: classes without approval, certificate numbers out of range or repeated', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await institution(app, principals.fzBureau, 'inst-a', 'fuzhou');
  await course(app, 'unapproved', 'professional', '2014-04-01');
  await course(app, 'ranged', 'professional', '2014-04-01');
  await ok(app, principals.fzBureau, '/v1/courses/ranged/publication', { publishedOn: '2014-04-01' });
  await ok(app, principals.fzBureau, '/v1/courses/ranged/approval', { approvalNo: 'FZ-1', approvedOn: '2014-04-10', certificateNumbers: { from: '0001', to: '0100' } });
  await persons(app, principals.fzBureau, 'fuzhou', 3);
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'unapproved', completedOn: '2014-05-08', assessment: 'passed' });
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'ranged', completedOn: '2014-05-08', assessment: 'passed', proofNumber: '0007' });
  // FZ-5: one number, one participant: the same number for a second person is refused at entry.
  const repeated = await app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: { personId: 'p2', courseId: 'ranged', completedOn: '2014-05-08', assessment: 'passed', proofNumber: '0007' } });
  t.equal(repeated.statusCode, 422);
  t.equal(repeated.json().error.details.ruleId, 'FZ-5');
  const last = await ok(app, principals.instA, '/v1/completions', { personId: 'p3', courseId: 'ranged', completedOn: '2014-05-08', assessment: 'passed', proofNumber: '0200' });
  const o = await read(app, principals.fzBureau, '/v1/institutions/inst-a/oversight', last.position);
  t.same(
    o.flags.map((f: { ruleId: string; courseId: string; count: number }) => [f.ruleId, f.courseId, f.count]).sort(),
    [['FZ-4', 'unapproved', 1], ['FZ-5', 'ranged', 1]],
  );
  t.ok(o.flags.some((f: { message: string }) => /0200 outside the approved range 0001–0100/.test(f.message)));
});

t.test('credit file: findings and sanctions of institutions and trainers; a withdrawal withdraws; the worklist puts the worst first', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await institution(app, principals.fzBureau, 'inst-a', 'fuzhou');
  await institution(app, principals.fzBureau, 'inst-b', 'fuzhou');
  const warning = await app.as(principals.fzBureau, { method: 'POST', url: '/v1/institutions/inst-a/credit-file', payload: { kind: 'warning', ruleId: 'FZ-8', description: '超标准收费', effectiveOn: '2014-06-01' } });
  t.equal(warning.statusCode, 201, warning.body);
  await ok(app, principals.fzBureau, '/v1/institutions/inst-a/credit-file', { kind: 'finding', trainer: { trainerId: 't-9', name: '赵老师' }, description: '代签到', effectiveOn: '2014-06-02' });
  const withdrawn = await ok(app, principals.fzBureau, '/v1/institutions/inst-b/credit-file', { kind: 'accreditation-withdrawn', ruleId: 'FZ-8', description: '乱发证，摘牌', effectiveOn: '2014-06-10' });
  t.equal((await app.as(principals.zzBureau, { method: 'POST', url: '/v1/institutions/inst-a/credit-file', payload: { kind: 'warning', description: 'x', effectiveOn: '2014-06-01' } })).statusCode, 404, 'another bureau: as for no such institution');
  t.equal((await app.as(principals.fzBureau, { method: 'POST', url: '/v1/institutions/inst-a/credit-file', payload: { kind: 'warning', description: 'x', effectiveOn: '2014-07-01' } })).statusCode, 422, 'not dated in the future');
  t.equal((await app.as(principals.fzBureau, { method: 'POST', url: '/v1/institutions/inst-a/credit-file', payload: { kind: 'fine', description: 'x', effectiveOn: '2014-06-01' } })).statusCode, 400);

  const b = await read(app, principals.fzBureau, '/v1/institutions/inst-b', withdrawn.position);
  t.equal(b.status, 'withdrawn');
  const a = await read(app, principals.fzBureau, '/v1/institutions/inst-a/oversight', withdrawn.position);
  t.match(a.creditFile, [
    { entryId: 'inst-a-1', kind: 'warning', ruleId: 'FZ-8', description: '超标准收费', effectiveOn: '2014-06-01', recordedOn: '2014-06-20' },
    { entryId: 'inst-a-2', kind: 'finding', trainer: { trainerId: 't-9', name: '赵老师' } },
  ]);
  t.equal(a.severity, 30);
  const trainer = await read(app, principals.fzBureau, '/v1/trainers/t-9/credit-file', withdrawn.position);
  t.match(trainer, { trainerId: 't-9', name: '赵老师', entries: [{ institutionId: 'inst-a', kind: 'finding', description: '代签到' }] });
  t.equal((await app.as(principals.zzBureau, { method: 'GET', url: '/v1/trainers/t-9/credit-file' })).statusCode, 404, "another bureau sees none of Fuzhou's entries");

  const first = await read(app, principals.fzBureau, '/v1/worklists/institutions?limit=1', withdrawn.position);
  t.same(first.items.map((i: { institutionId: string; severity: number }) => [i.institutionId, i.severity]), [['inst-b', 1000]]);
  const second = await read(app, principals.fzBureau, `/v1/worklists/institutions?limit=1&cursor=${first.nextCursor}`, withdrawn.position);
  t.same(second.items.map((i: { institutionId: string }) => i.institutionId), ['inst-a']);
  t.equal(second.nextCursor, null);
  const csv = await app.as(principals.fzBureau, { method: 'GET', url: '/v1/worklists/institutions?format=csv' });
  t.same(csv.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/), ['institutionId,name,severity,ruleIds,sanctions', 'inst-b,基地 inst-b,1000,,2014-06-10 accreditation-withdrawn', 'inst-a,基地 inst-a,30,,2014-06-01 warning; 2014-06-02 finding']);
  t.equal((await read(app, principals.zzBureau, '/v1/worklists/institutions', withdrawn.position)).items.length, 0, 'a bureau works its own jurisdiction');
});
