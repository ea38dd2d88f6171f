import t from 'tap';
import type { Principal } from '../../src/security/principal.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';

type Jur = 'suzhou' | 'fuzhou' | 'sichuan';
const BUREAU: Record<Jur, Principal> = { suzhou: principals.szBureau, fuzhou: principals.fzBureau, sichuan: principals.scBureau };

/** inst-a accredited in the jurisdiction; each course filed and approved before it starts. */
async function seedCourses(app: TestApp, jurisdiction: Jur, courses: [string, 'public' | 'professional', number, number][]) {
  await ok(app, BUREAU[jurisdiction], '/v1/institutions', { institutionId: 'inst-a', name: '继续教育基地', jurisdiction, level: 'city', accreditedOn: '2013-01-10' });
  for (const [courseId, category, hours, year] of courses) {
    await ok(app, principals.instA, '/v1/courses', {
      courseId, institutionId: 'inst-a', title: `课程 ${courseId}`, category, hours, level: 'city', mode: 'in-person',
      startsOn: `${year}-05-05`, endsOn: `${year}-05-08`, filedOn: `${year}-04-01`,
    });
    // FZ-4: a Fuzhou class is published in a quarter's first week and approved after 5 days of notice.
    if (jurisdiction === 'fuzhou') await ok(app, BUREAU[jurisdiction], `/v1/courses/${courseId}/publication`, { publishedOn: `${year}-04-01` });
    await ok(app, BUREAU[jurisdiction], `/v1/courses/${courseId}/approval`, { approvalNo: `A-${courseId}`, approvedOn: `${year}-04-10` });
  }
}

async function register(app: TestApp, who: Principal, personId: string, idNumber: string, jurisdiction: string, employerId = 'emp-1') {
  await ok(app, who, '/v1/persons', { personId, idNumber, name: '王五', jurisdiction, titleLevel: 'intermediate', employerId, registeredOn: '2014-01-02' });
}

const complete = (app: TestApp, personId: string, courseId: string, year: number) =>
  ok(app, principals.instA, '/v1/completions', { personId, courseId, completedOn: `${year}-05-08`, assessment: 'passed' });

async function eligibility(app: TestApp, who: Principal, personId: string, query: string) {
  const res = await app.as(who, { method: 'GET', url: `/v1/persons/${personId}/eligibility?${query}` });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
  return res.json();
}

t.test('ZZ-8: a promotion is refused while a year of the term is unverified, accepted once it is stamped', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await complete(app, 'p1', courseId, 2014);
  const { certificateNumber } = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});

  const before = await eligibility(app, principals.professional, 'p1', 'for=promotion&on=2015-03-01');
  t.equal(before.eligible, false);
  t.equal(before.termStartsOn, '2014-06-20', 'the term starts with the registration');
  t.same(before.unmet.map((u: { ruleId: string; years: number[] }) => [u.ruleId, u.years]), [['ZZ-8', [2014]]]);
  t.match(before.years, [{ year: 2014, compliant: true, verified: false, certificate: { certificateNumber, status: 'unstamped' } }]);
  const refused = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: { to: 'deputy-senior', effectiveOn: '2015-03-01' } });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().error.details.ruleId, 'ZZ-8');
  t.same(refused.json().error.details.unmet[0].years, [2014]);
  t.equal((await app.store.readStream('person-p1')).filter((e) => e.type === 'PersonTitleChanged').length, 0, 'a refused promotion leaves nothing behind');

  await ok(app, principals.zzBureau, `/v1/certificates/${certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人力资源和社会保障局' });
  const after = await eligibility(app, principals.employer, 'p1', 'for=promotion&on=2015-03-01');
  t.equal(after.eligible, true);
  t.same(after.unmet, []);
  t.match(after.years, [{ year: 2014, verified: true, certificate: { status: 'stamped' } }]);
  const promoted = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: { to: 'deputy-senior', effectiveOn: '2015-03-01' } });
  t.equal(promoted.statusCode, 201, promoted.body);
  const demotion = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: { to: 'junior', effectiveOn: '2015-04-01' } });
  t.equal(demotion.statusCode, 201, 'no gate on a change to a lower title');
});

t.test('ZZ-8: the bureau may let a promotion through with its reason, recorded in the audit history; an employer may not', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await complete(app, 'p1', 'c1', 2014);
  const body = { to: 'deputy-senior', effectiveOn: '2015-03-01', override: { reason: '省级人才引进，特批' } };
  const byEmployer = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: body });
  t.equal(byEmployer.statusCode, 403);
  const byBureau = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/title', payload: body });
  t.equal(byBureau.statusCode, 201, byBureau.body);
  const history = (await app.as(principals.zzBureau, { method: 'GET', url: '/v1/audit/persons/p1/history' })).json();
  const overridden = history.events.find((e: { type: string }) => e.type === 'EligibilityGateOverridden');
  t.match(overridden, { data: { personId: 'p1', for: 'promotion', from: 'intermediate', to: 'deputy-senior', ruleIds: ['ZZ-8'], reason: '省级人才引进，特批', recordedOn: '2014-06-20' } });
  t.ok(history.events.some((e: { type: string }) => e.type === 'PersonTitleChanged'));
});

t.test('SZ-4 / SZ-8: a Suzhou cycle with a short year bars appointment and names the year', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedCourses(app, 'suzhou', [['pub14', 'public', 24, 2014], ['pro14', 'professional', 48, 2014], ['pro15', 'professional', 48, 2015]]);
  await register(app, principals.szBureau, 'p1', ID_NUMBERS.sz, 'suzhou');
  app.setNow(new Date('2016-02-01T02:00:00Z'));
  for (const [courseId, year] of [['pub14', 2014], ['pro14', 2014], ['pro15', 2015]] as const) await complete(app, 'p1', courseId, year);

  const e = await eligibility(app, principals.szBureau, 'p1', 'for=appointment&on=2016-02-01');
  t.equal(e.eligible, false);
  t.same(e.unmet.map((u: { ruleId: string; years: number[] }) => [u.ruleId, u.years]), [['SZ-8', [2015]]]);
  t.same(e.rulesApplied, ['SZ-4', 'SZ-8']);
  t.same(e.cycle, {
    ruleId: 'SZ-4',
    startYear: 2014,
    endYear: 2018,
    yearsElapsed: 2,
    required: { public: 120, professional: 240, total: 360 },
    counted: { public: 24, professional: 96, total: 120 },
    shortYears: [2015],
  });
  t.match(e.years, [{ year: 2014, compliant: true }, { year: 2015, compliant: false, shortfall: { public: 24, total: 24 } }]);
  const promotion = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: { to: 'deputy-senior', effectiveOn: '2016-03-01' } });
  t.equal(promotion.statusCode, 422);
  t.equal(promotion.json().error.details.ruleId, 'SZ-8');
});

t.test('FZ-7: a Fuzhou person short of 72 is not eligible for "excellent", and is once the hours are there', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedCourses(app, 'fuzhou', [['pro', 'professional', 60, 2014], ['more', 'professional', 12, 2014]]);
  await register(app, principals.fzBureau, 'p1', ID_NUMBERS.fz, 'fuzhou');
  await complete(app, 'p1', 'pro', 2014);
  const short = await eligibility(app, principals.fzBureau, 'p1', 'for=excellent-rating&on=2015-01-15');
  t.equal(short.eligible, false);
  t.match(short.unmet, [{ ruleId: 'FZ-7', years: [2014] }]);
  t.match(short.years, [{ year: 2014, counted: { total: 60 }, shortfall: { total: 12 } }]);
  t.equal((await eligibility(app, principals.fzBureau, 'p1', 'for=promotion&on=2015-01-15')).unmet[0].ruleId, 'FZ-7', 'and a title application');
  await complete(app, 'p1', 'more', 2014);
  t.equal((await eligibility(app, principals.fzBureau, 'p1', 'for=excellent-rating&on=2015-01-15')).eligible, true);
});

t.test('SC-9: a missed year bars "excellent" in a public institution unless the bureau records a good reason; not in an enterprise', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.scBureau, '/v1/employers', { employerId: 'emp-1', name: '四川省人民医院', type: 'public-institution', jurisdiction: 'sichuan' });
  await ok(app, principals.scBureau, '/v1/employers', { employerId: 'emp-2', name: '成都某科技有限公司', type: 'enterprise', jurisdiction: 'sichuan' });
  await register(app, principals.scBureau, 'p1', ID_NUMBERS.sc, 'sichuan', 'emp-1');
  await register(app, principals.scBureau, 'p2', ID_NUMBERS.p2, 'sichuan', 'emp-2');
  await register(app, principals.scBureau, 'p3', ID_NUMBERS.sz, 'sichuan', 'emp-unregistered');

  const barred = await eligibility(app, principals.employer, 'p1', 'for=excellent-rating&year=2014&on=2015-01-10');
  t.equal(barred.eligible, false);
  t.match(barred.unmet, [{ ruleId: 'SC-9', years: [2014] }]);
  t.match(barred.years, [{ year: 2014, employerType: 'public-institution', compliant: false }]);
  t.equal((await eligibility(app, principals.scBureau, 'p2', 'for=excellent-rating&year=2014')).eligible, true, 'an enterprise is not bound by SC-9');
  t.match((await eligibility(app, principals.scBureau, 'p3', 'for=excellent-rating&year=2014')).unmet, [{ ruleId: 'SC-9', message: /no registered type/ }]);

  const byEmployer = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/years/2014/excuse', payload: { reason: '援藏工作一年' } });
  t.equal(byEmployer.statusCode, 403, 'the good reason is the bureau\'s to record');
  await ok(app, principals.scBureau, '/v1/persons/p1/years/2014/excuse', { reason: '援藏工作一年' });
  const excused = await eligibility(app, principals.employer, 'p1', 'for=excellent-rating&year=2014&on=2015-01-10');
  t.equal(excused.eligible, true);
  t.match(excused.years, [{ year: 2014, excused: { reason: '援藏工作一年', recordedOn: '2014-06-20' } }]);
  const again = await app.as(principals.scBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/excuse', payload: { reason: '另一理由' } });
  t.equal(again.statusCode, 409);
});

t.test('eligibility: bad input is a 400, another employer and an unknown person a 404', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  t.equal((await app.as(principals.employer, { method: 'GET', url: '/v1/persons/p1/eligibility?for=tenure' })).statusCode, 400);
  t.equal((await app.as(principals.employer, { method: 'GET', url: '/v1/persons/p1/eligibility?for=promotion&on=2015-02-30' })).statusCode, 400);
  t.equal((await app.as(principals.otherEmployer, { method: 'GET', url: '/v1/persons/p1/eligibility?for=promotion' })).statusCode, 404, 'out of scope: answered as for a person that does not exist');
  t.equal((await app.as(principals.zzBureau, { method: 'GET', url: '/v1/persons/nobody/eligibility?for=promotion' })).statusCode, 404);
  const dup = await app.as(principals.szBureau, { method: 'POST', url: '/v1/employers', payload: { employerId: 'emp-1', name: 'x', type: 'enterprise', jurisdiction: 'zhengzhou' } });
  t.equal(dup.statusCode, 403, 'a bureau registers employers of its own jurisdiction');
});
