import t from 'tap';
import { recordBureauData } from '../../src/domain/commands/bureau-data.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { shantouData } from '../support/bureau-data.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';

const post = (app: TestApp, p: Parameters<TestApp['as']>[0], url: string, payload: object) => app.as(p, { method: 'POST', url, payload });
const year = async (app: TestApp, personId: string, y: number, position: string) =>
  (await app.as(principals.auditor, { url: `/v1/persons/${personId}/years/${y}?minPosition=${position}` })).json();
const stInst = { role: 'institution', sub: 'st-inst' } as const;

/** Shantou: the bureau's 2014 data recorded by the bootstrap, a city base, the four courses of a 2014 year, person stp. */
async function seedShantou(app: TestApp) {
  const bootstrap = await recordBureauData({ store: app.store, clock: () => new Date('2014-06-20T02:00:00Z'), actor: principals.stBureau }, shantouData());
  if (!bootstrap.ok) throw new Error(bootstrap.step);
  await ok(app, principals.stBureau, '/v1/institutions', { institutionId: 'st-inst', name: '汕头市行政学院', jurisdiction: 'shantou', level: 'city', accreditedOn: '2013-01-01' });
  const courses = [['st-pub', 'public', 20, '新型城镇化实践与发展'], ['st-p1', 'professional', 21, '建设工程新规范'], ['st-p2', 'professional', 21, '工程质量管理'], ['st-el', 'elective', 12, '潮汕文化解读']] as const;
  for (const [courseId, category, hours, title] of courses) {
    await ok(app, stInst, '/v1/courses', { courseId, institutionId: 'st-inst', title, category, hours, level: 'city', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn: '2014-03-01' });
  }
  await ok(app, principals.employer, '/v1/persons', { personId: 'stp', idNumber: ID_NUMBERS.st, name: '陈一', jurisdiction: 'shantou', titleLevel: 'intermediate', employerId: 'emp-1' });
  for (const [courseId] of courses) await ok(app, stInst, '/v1/completions', { personId: 'stp', courseId, completedOn: '2014-05-08', assessment: 'passed', proofNumber: `P-${courseId}` });
}

t.test('ST-3 data: the bootstrap records the seed’s catalogues as events, once', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const ctx = { store: app.store, clock: () => new Date('2014-06-20T02:00:00Z'), actor: principals.stBureau };
  t.same(await recordBureauData(ctx, shantouData()), { ok: true, recorded: 2 });
  const events = await app.store.readStream('catalogue-shantou');
  t.same(events.map((e) => e.type), ['PublicSubjectsListed', 'PastYearCatalogueRecorded']);
  t.same(await recordBureauData(ctx, shantouData()), { ok: true, recorded: 2 });
  t.equal((await app.store.readStream('catalogue-shantou')).length, 2, 'running the bootstrap again appends nothing');
  const catalogue = (await app.as(principals.stBureau, { url: `/v1/catalogues/shantou?minPosition=${events[1]!.position}` })).json();
  t.same(catalogue.publicSubjects, { 2014: ['粤东西北地区振兴战略', '新型城镇化实践与发展'] }, JSON.stringify(catalogue));
  t.same(
    catalogue.pastYear.filter((s: { category: string }) => s.category === 'public').map((s: { year: number; title: string }) => [s.year, s.title]),
    [[2013, '新时期广东生态文明建设'], [2012, '广东文化强省建设'], [2011, '广东加快转变经济发展方式'], [2010, '专业技术人员能力建设教程']],
  );
  t.same([catalogue.pastYear.filter((s: { category: string }) => s.category === 'professional').length, catalogue.pastYear.filter((s: { category: string }) => s.category === 'elective').length], [8, 5]);
  const past = await post(app, principals.stBureau, '/v1/catalogues/shantou/past-years', { subjects: [{ title: '自控力科学', category: 'professional', hours: 21 }] });
  t.same([past.statusCode, past.json().error.details.map((d: { path: string }) => d.path)], [400, ['body.subjects.0.year']], 'a past-year professional subject names its year');
  t.equal((await post(app, principals.zzBureau, '/v1/catalogues/shantou/public-subjects/2015', { subjects: [{ title: 'x', hours: 20 }] })).statusCode, 403, 'only the bureau of the jurisdiction lists its subjects');
});

t.test('ST-7: employer first, then the bureau, for professional hours; elective by the employer alone; public by the bureau', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedShantou(app);
  const review = (p: typeof principals.employer | typeof principals.stBureau, creditId: string) =>
    post(app, p, `/v1/credits/${creditId}/reviews`, { stage: p.role, decision: 'approved' });
  const bureauFirst = await review(principals.stBureau, 'stp:st-p1');
  t.same([bureauFirst.statusCode, bureauFirst.json().error.details.ruleId], [409, 'ST-7'], 'a bureau review before the employer’s is refused');
  t.equal((await review(principals.employer, 'stp:st-p1')).statusCode, 201, 'the chain then completes in order: the employer…');
  t.equal((await review(principals.stBureau, 'stp:st-p1')).statusCode, 201, '…then the bureau');
  const electiveByBureau = await review(principals.stBureau, 'stp:st-el');
  t.same([electiveByBureau.statusCode, electiveByBureau.json().error.details.ruleId], [422, 'ST-7']);
  const publicByEmployer = await review(principals.employer, 'stp:st-pub');
  t.same([publicByEmployer.statusCode, publicByEmployer.json().error.details.ruleId], [422, 'ST-7']);
  await review(principals.employer, 'stp:st-el');
  await review(principals.employer, 'stp:st-p2');
  const last = (await review(principals.stBureau, 'stp:st-p2')).json();
  const y = await year(app, 'stp', 2014, last.position);
  t.same([y.counted, y.compliant], [{ public: 20, professional: 42, elective: 12, total: 74 }, true]);
});

t.test('ZZ-6: a county public course for promotion to deputy-senior is excluded; for intermediate it counts', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const instB = { role: 'institution', sub: 'inst-b' } as const;
  await ok(app, instB, '/v1/courses', { courseId: 'county-pub', institutionId: 'inst-b', title: '县级公需科目', category: 'public', hours: 26, level: 'county', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn: '2014-04-01' });
  await ok(app, principals.zzBureau, '/v1/courses/county-pub/approval', { approvalNo: 'ZZ-county', approvedOn: '2014-04-10' });
  const bad = await post(app, instB, '/v1/completions', { personId: 'p1', courseId: 'county-pub', completedOn: '2014-05-08', assessment: 'passed', targetTitle: 'senior' });
  t.same([bad.statusCode, bad.json().error.details.map((d: { path: string }) => d.path)], [400, ['body.targetTitle']], 'a target title goes with a purpose');
  await ok(app, instB, '/v1/enrolments', { personId: 'p1', courseId: 'county-pub', enrolledOn: '2014-04-20', purpose: 'promotion', targetTitle: 'deputy-senior' });
  const done = await ok(app, instB, '/v1/completions', { personId: 'p1', courseId: 'county-pub', completedOn: '2014-05-08', assessment: 'passed' });
  const y = await year(app, 'p1', 2014, done.position);
  t.same(y.excluded.map((e: { ruleId: string }) => e.ruleId), ['ZZ-6'], 'the enrolment says the course is for promotion to deputy-senior');
  t.equal(y.counted.public, 0);

  await ok(app, principals.employer, '/v1/persons', { personId: 'p3', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  const junior = await ok(app, instB, '/v1/completions', { personId: 'p3', courseId: 'county-pub', completedOn: '2014-05-08', assessment: 'passed', purpose: 'promotion', targetTitle: 'intermediate' });
  t.equal((await year(app, 'p3', 2014, junior.position)).counted.public, 26, 'junior to intermediate may use county-level courses');
});

t.test('ZZ-7: who stamps goes by the post applied for: a junior on the track to intermediate is verified by the city', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p3', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  await ok(app, principals.instA, '/v1/completions', { personId: 'p3', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed', purpose: 'promotion', targetTitle: 'intermediate' });
  for (const courseId of ['c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p3', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const { certificateNumber: no } = await ok(app, principals.zzBureau, '/v1/persons/p3/years/2014/certificate', {});
  const county = { role: 'bureau', sub: 'zz-county', jurisdiction: 'zhengzhou', level: 'county' } as const;
  const byCounty = await post(app, county, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '中原区人社局' });
  t.same([byCounty.statusCode, byCounty.json().error.details.ruleId], [422, 'ZZ-7']);
  t.match(byCounty.json().error.message, /promotion to intermediate is verified by the city bureau/);
  t.equal((await post(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' })).statusCode, 201);
});

t.test('FZ-6: appointed to a junior post, verified by the county bureau', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const fzInst = { role: 'institution', sub: 'fz-inst' } as const;
  const fzCounty = { role: 'bureau', sub: 'fz-county', jurisdiction: 'fuzhou', level: 'county' } as const;
  await ok(app, principals.fzBureau, '/v1/institutions', { institutionId: 'fz-inst', name: '福州继续教育基地', jurisdiction: 'fuzhou', level: 'city', accreditedOn: '2013-01-01' });
  await ok(app, fzInst, '/v1/courses', { courseId: 'fz-1', institutionId: 'fz-inst', title: '专业科目研修班', category: 'professional', hours: 72, level: 'city', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-16', filedOn: '2014-03-01' });
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/publication', { publishedOn: '2014-01-06' });
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/approval', { approvalNo: 'FZ-2014-1', approvedOn: '2014-01-13' });
  await ok(app, principals.employer, '/v1/persons', { personId: 'fzp', idNumber: ID_NUMBERS.fz, name: '林一', jurisdiction: 'fuzhou', titleLevel: 'intermediate', employerId: 'emp-1' });
  await ok(app, fzInst, '/v1/completions', { personId: 'fzp', courseId: 'fz-1', completedOn: '2014-05-16', assessment: 'passed', purpose: 'appointment', targetTitle: 'junior' });
  const { certificateNumber: no } = await ok(app, principals.fzBureau, '/v1/persons/fzp/years/2014/certificate', {});
  t.equal((await post(app, fzCounty, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '闽侯县人社局' })).statusCode, 201, 'by the post appointed for, not the intermediate title held');
});

t.test('FZ-4: approval after 5 days of public notice without objection', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const fzInst = { role: 'institution', sub: 'fz-inst' } as const;
  await ok(app, principals.fzBureau, '/v1/institutions', { institutionId: 'fz-inst', name: '福州继续教育基地', jurisdiction: 'fuzhou', level: 'city', accreditedOn: '2013-01-01' });
  await ok(app, fzInst, '/v1/courses', { courseId: 'fz-1', institutionId: 'fz-inst', title: '研修班', category: 'professional', hours: 72, level: 'city', mode: 'in-person', startsOn: '2014-09-01', endsOn: '2014-09-12', filedOn: '2014-03-01' });
  const approve = (approvedOn: string) => post(app, principals.fzBureau, '/v1/courses/fz-1/approval', { approvalNo: 'FZ-2014-1', approvedOn, certificateNumbers: { from: '0001', to: '0100' } });
  const unpublished = await approve('2014-03-20');
  t.same([unpublished.statusCode, unpublished.json().error.details.ruleId], [422, 'FZ-4'], 'no approval without public notice');
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/publication', { publishedOn: '2014-04-01' });
  const early = await approve('2014-04-05');
  t.same([early.statusCode, early.json().error.details.ruleId, early.json().error.details.earliest], [422, 'FZ-4', '2014-04-06'], 'published on 1 April: 5 days of notice end on the 6th');
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/objections', { objectedOn: '2014-04-03', note: '收费标准未公示' });
  const objected = await approve('2014-04-06');
  t.same([objected.statusCode, objected.json().error.details.ruleId], [422, 'FZ-4'], 'an objection during the notice blocks it');
  const offWeek = await post(app, principals.fzBureau, '/v1/courses/fz-1/publication', { publishedOn: '2014-04-08' });
  t.same([offWeek.statusCode, offWeek.json().error.details.ruleId], [422, 'FZ-4'], 'notices go out in the first week of a quarter');
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/publication', { publishedOn: '2014-07-01' });
  t.equal((await approve('2014-07-05')).statusCode, 422, 'a new notice runs its 5 days again');
  t.equal((await approve('2014-07-06')).statusCode, 201, 'published again the next quarter, after the objection was dealt with, and 5 quiet days');
});

t.test('FZ-5: one training certificate number, one participant; a second person with it is a forgery signal', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const fzInst = { role: 'institution', sub: 'fz-inst' } as const;
  await ok(app, principals.fzBureau, '/v1/institutions', { institutionId: 'fz-inst', name: '福州继续教育基地', jurisdiction: 'fuzhou', level: 'city', accreditedOn: '2013-01-01' });
  await ok(app, fzInst, '/v1/courses', { courseId: 'fz-1', institutionId: 'fz-inst', title: '研修班', category: 'professional', hours: 72, level: 'city', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-16', filedOn: '2014-03-01' });
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/publication', { publishedOn: '2014-01-06' });
  await ok(app, principals.fzBureau, '/v1/courses/fz-1/approval', { approvalNo: 'FZ-2014-1', approvedOn: '2014-01-13', certificateNumbers: { from: '0001', to: '0100' } });
  for (const [personId, idNumber, name] of [['fa', ID_NUMBERS.fz, '林一'], ['fb', ID_NUMBERS.sc, '林二']] as const) {
    await ok(app, principals.employer, '/v1/persons', { personId, idNumber, name, jurisdiction: 'fuzhou', titleLevel: 'intermediate', employerId: 'emp-1' });
  }
  const completion = (personId: string) => post(app, fzInst, '/v1/completions', { personId, courseId: 'fz-1', completedOn: '2014-05-16', assessment: 'passed', proofNumber: '0042' });
  t.equal((await completion('fa')).statusCode, 201);
  const second = await completion('fb');
  t.same([second.statusCode, second.json().error.details.ruleId, second.json().error.details.forgerySignal], [422, 'FZ-5', true]);
  t.match(second.json().error.message, /0042 of class fz-1 is already held by another participant/);
  const retry = await completion('fa');
  t.same([retry.statusCode, retry.json().error.details.duplicate], [409, true], 'the holder’s own retry is a duplicate, not a forgery');
  t.equal((await app.store.readStream('person-fb').catch(() => [])).filter((e) => e.type === 'CompletionRecorded').length, 0, 'the refused completion left nothing');
});

t.test('SC-8: a year the employer assessed as failed, or did not sign, is not verified', async (t) => {
  const app = await testApp({ now: new Date('2016-11-20T02:00:00Z') });
  t.teardown(app.close);
  const scInst = { role: 'institution', sub: 'sc-inst' } as const;
  await ok(app, principals.scBureau, '/v1/institutions', { institutionId: 'sc-inst', name: '四川继续教育基地', jurisdiction: 'sichuan', level: 'province', accreditedOn: '2015-01-01' });
  await ok(app, scInst, '/v1/courses', { courseId: 'sc-1', institutionId: 'sc-inst', title: '专业科目', category: 'professional', hours: 60, level: 'province', mode: 'in-person', startsOn: '2016-05-02', endsOn: '2016-05-20', filedOn: '2016-03-01' });
  await ok(app, scInst, '/v1/courses', { courseId: 'sc-2', institutionId: 'sc-inst', title: '公需科目', category: 'public', hours: 30, level: 'province', mode: 'in-person', startsOn: '2016-06-01', endsOn: '2016-06-05', filedOn: '2016-03-01' });
  for (const [personId, idNumber, name] of [['sa', ID_NUMBERS.sc, '王一'], ['sb', ID_NUMBERS.fz, '王二']] as const) {
    await ok(app, principals.employer, '/v1/persons', { personId, idNumber, name, jurisdiction: 'sichuan', titleLevel: 'intermediate', employerId: 'emp-1' });
    await ok(app, scInst, '/v1/completions', { personId, courseId: 'sc-1', completedOn: '2016-05-20', assessment: 'passed' });
    await ok(app, scInst, '/v1/completions', { personId, courseId: 'sc-2', completedOn: '2016-06-05', assessment: 'passed' });
  }
  const issue = (personId: string) => post(app, principals.scBureau, `/v1/persons/${personId}/years/2016/certificate`, {});
  const unsigned = await issue('sa');
  t.same([unsigned.statusCode, unsigned.json().error.details.ruleId], [422, 'SC-8'], '90 hours, but no sign-off');
  const failed = await ok(app, principals.employer, '/v1/persons/sa/years/2016/assessment', { result: 'failed' });
  const refused = await issue('sa');
  t.same([refused.statusCode, refused.json().error.details.ruleId], [422, 'SC-8']);
  t.match(refused.json().error.message, /assessed the year as failed/);
  const y = (await app.as(principals.scBureau, { url: `/v1/persons/sa/years/2016?minPosition=${failed.position}` })).json();
  t.same([y.compliant, y.flags.map((f: { ruleId: string; blocksCertificate?: boolean }) => [f.ruleId, f.blocksCertificate])], [true, [['SC-8', true]]], 'the hours are there; the year shows the flag');
  await ok(app, principals.employer, '/v1/persons/sb/years/2016/assessment', { result: 'passed' });
  t.equal((await issue('sb')).statusCode, 201, 'signed off as passed: issued');
});

t.test('invalidated stays invalidated: the bureau re-issues, and the old number names its replacement', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const { certificateNumber: first } = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  await ok(app, principals.zzBureau, `/v1/certificates/${first}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await ok(app, principals.zzBureau, '/v1/credits/p1:c2/revocation', { reason: 'proof issued without training' });
  await ok(app, principals.instA, '/v1/courses', { courseId: 'c3', institutionId: 'inst-a', title: '课程 c3', category: 'professional', hours: 30, level: 'city', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn: '2014-04-01' });
  await ok(app, principals.zzBureau, '/v1/courses/c3/approval', { approvalNo: 'ZZ-c3', approvedOn: '2014-04-10' });
  const restored = await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c3', completedOn: '2014-05-08', assessment: 'passed' });
  const y = await year(app, 'p1', 2014, restored.position);
  t.same([y.compliant, y.counted.total, y.certificate.status], [true, 86, 'invalidated'], 'the same hours again do not restore the stamped certificate');
  t.equal((await app.app.inject({ url: `/v1/verify/${first}?holder=张三丰` })).json().verdict, 'invalidated');
  const reissued = await post(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  t.equal(reissued.statusCode, 201, 'the bureau re-issues');
  const second = reissued.json().certificateNumber;
  t.equal(second, 'ZZ-2014-000002', 'under a new number');
  await app.read.runner.waitForPosition(BigInt(reissued.json().position), 2000);
  const old = (await app.app.inject({ url: `/v1/verify/${first}?holder=张三丰` })).json();
  t.same([old.verdict, old.certificate.replacedBy, old.certificate.invalidatedBecause], ['invalidated', second, 'credit p1:c2 it rests on was revoked on 2014-06-20']);
  t.equal((await app.app.inject({ url: `/v1/verify/${second}?holder=张三丰` })).json().verdict, 'unstamped', 'the new one waits for its stamp');
  t.equal((await post(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {})).statusCode, 409, 'and stands: no third');
});

t.test('issuedOn: a business date, today by default, never in the future nor before the year', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issue = (payload: object) => post(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', payload);
  const future = await issue({ issuedOn: '2014-06-21' });
  t.same([future.statusCode, future.json().error.details.map((d: { path: string }) => d.path)], [400, ['body.issuedOn']], 'tomorrow in Beijing is the future');
  t.equal((await issue({ issuedOn: '2013-12-31' })).statusCode, 400, 'before the 2014 year began');
  t.equal((await issue({ issuedOn: '2014-13-01' })).statusCode, 400, 'not a date');
  const issued = await issue({ issuedOn: '2014-06-02' });
  t.equal(issued.statusCode, 201);
  await app.read.runner.waitForPosition(BigInt(issued.json().position), 2000);
  const cert = (await app.as(principals.zzBureau, { url: `/v1/certificates/${issued.json().certificateNumber}` })).json();
  t.same([cert.issuedOn, cert.content.issuedOn], ['2014-06-02', '2014-06-02'], 'the signed content carries the business date');
});

t.test('ST-13: a certificate rented out is revoked with that reason', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const { certificateNumber: no } = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const revoked = await ok(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason: 'rented-out', note: '出租给他人使用' });
  await app.read.runner.waitForPosition(BigInt(revoked.position), 2000);
  t.same((await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰` })).json().certificate.revocation, { reason: 'rented-out', revokedOn: '2014-06-20' });
  for (const reason of ['forged', 'altered', 'lent', 'transferred', 'fraudulent-credit', 'error']) {
    const { certificateNumber } = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
    t.equal((await post(app, principals.zzBureau, `/v1/certificates/${certificateNumber}/revocation`, { reason })).statusCode, 201, reason);
  }
  t.equal((await post(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason: 'sold' })).statusCode, 400);
});

t.test('holiday tables: a year the calendar lacks is flagged until the bureau records its holidays and 调休', async (t) => {
  const app = await testApp({ now: new Date('2027-03-01T02:00:00Z') });
  t.teardown(app.close);
  await ok(app, principals.stBureau, '/v1/institutions', { institutionId: 'st-inst', name: '汕头市行政学院', jurisdiction: 'shantou', level: 'city', accreditedOn: '2026-01-01' });
  await ok(app, stInst, '/v1/courses', { courseId: 'st27', institutionId: 'st-inst', title: '专业科目', category: 'professional', hours: 21, level: 'city', mode: 'in-person', startsOn: '2027-02-01', endsOn: '2027-02-04', filedOn: '2027-01-10' });
  await ok(app, principals.employer, '/v1/persons', { personId: 'stp', idNumber: ID_NUMBERS.st, name: '陈一', jurisdiction: 'shantou', titleLevel: 'intermediate', employerId: 'emp-1' });
  app.setNow(new Date('2027-02-19T02:00:00Z'));
  const done = await ok(app, stInst, '/v1/completions', { personId: 'stp', courseId: 'st27', completedOn: '2027-02-04', assessment: 'passed', proofNumber: 'P-1' });
  const before = await year(app, 'stp', 2027, done.position);
  t.same(before.flags.map((f: { ruleId: string }) => f.ruleId), ['ST-9']);
  t.match(before.flags[0].message, /no holiday and 调休 table is on record for 2027/);
  t.same((await app.as(principals.stBureau, { url: '/v1/calendar/2027' })).json(), { year: 2027, covered: false, source: 'none' });
  const weekday = await post(app, principals.stBureau, '/v1/calendar/2027', { holidays: ['2027-02-05'], workdays: ['2027-02-17'] });
  t.same([weekday.statusCode, weekday.json().error.details.map((d: { path: string }) => d.path)], [400, ['body.workdays.0']], 'an adjusted working day is a weekend day');
  const holidays = ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'];
  const recorded = await ok(app, principals.stBureau, '/v1/calendar/2027', { holidays, workdays: ['2027-02-20'], source: 'a table as the bureau would record it from the State Council notice' });
  const after = await year(app, 'stp', 2027, recorded.position);
  t.same(after.flags.map((f: { ruleId: string; message: string }) => f.message), ['entered 2027-02-19, after the 5-working-day deadline 2027-02-18: flagged against the institution (ST-14)'], 'the recorded table decides the deadline');
  t.same((await app.as(principals.stBureau, { url: '/v1/calendar/2027' })).json().source, 'recorded');
});
