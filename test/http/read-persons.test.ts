import t from 'tap';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { ReadStreamOptions } from '../../src/store/port.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';

/** A store that counts the reads of each stream: a read route should fold a person's stream once. */
class CountingStore extends MemoryEventStore {
  readonly reads = new Map<string, number>();
  override async readStream(streamId: string, options?: ReadStreamOptions) {
    this.reads.set(streamId, (this.reads.get(streamId) ?? 0) + 1);
    return super.readStream(streamId, options);
  }
}

async function compliantWorld(options: Parameters<typeof testApp>[0] = {}) {
  const app = await testApp(options);
  await seedZhengzhou(app);
  let position = '';
  for (const courseId of ['c1', 'c2', 'c-pub']) {
    position = (await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' })).position;
  }
  return { app, position };
}

t.test('a person-year: required, counted, shortfall, compliant, read after the write', async (t) => {
  const { app, position } = await compliantWorld();
  t.teardown(app.close);
  const res = await app.as(principals.professional, { url: `/v1/persons/p1/years/2014?minPosition=${position}` });
  t.equal(res.statusCode, 200);
  const y = res.json();
  t.same(y.required, { total: 86, floors: { professional: 60, public: 26 }, ruleIds: ['ZZ-1'] });
  t.same(y.counted, { public: 26, professional: 60, elective: 0, total: 86 });
  t.equal(y.compliant, true);
  t.same(y.shortfall, { public: 0, professional: 0, elective: 0, total: 0 });
  t.equal(y.ruleSet.id, 'zhengzhou-2012');
  const years = (await app.as(principals.employer, { url: '/v1/persons/p1/years' })).json();
  t.same(years.years.map((x: { year: number; compliant: boolean }) => [x.year, x.compliant]), [[2014, true]]);
  const person = (await app.as(principals.zzBureau, { url: '/v1/persons/p1' })).json();
  t.equal(person.idNumberMasked, '4101**********9812');
});

t.test('each read of a person folds their stream once, and the answer still holds the scope', async (t) => {
  const store = new CountingStore(() => FIXED_NOW);
  const { app, position } = await compliantWorld({ store });
  t.teardown(app.close);
  await app.read.runner.waitForPosition(BigInt(position), 2000);
  const issued = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.equal(issued.statusCode, 201);
  const { certificateNumber, position: at } = issued.json() as { certificateNumber: string; position: string };
  await app.read.runner.waitForPosition(BigInt(at), 2000);
  const urls = ['/v1/persons/p1', '/v1/persons/p1/years', '/v1/persons/p1/years/2014', '/v1/persons/p1/credits', `/v1/certificates/${certificateNumber}`];
  for (const url of urls) {
    store.reads.clear();
    const res = await app.as(principals.employer, { url });
    t.equal(res.statusCode, 200, url);
    t.equal(store.reads.get('person-p1'), 1, `${url} reads person-p1 once`);
  }
  const year = (await app.as(principals.employer, { url: '/v1/persons/p1/years/2014' })).json();
  t.same([year.compliant, year.counted.total, year.certificate.certificateNumber], [true, 86, certificateNumber]);
  const credits = (await app.as(principals.employer, { url: '/v1/persons/p1/credits' })).json();
  t.same(credits.credits.map((c: { creditId: string; counted: number }) => [c.creditId, c.counted]), [['p1:c-pub', 26], ['p1:c1', 30], ['p1:c2', 30]]);
  store.reads.clear();
  const across = await app.as(principals.szBureau, { url: '/v1/persons/p1/years/2014' });
  t.equal(across.statusCode, 404, 'another jurisdiction is answered as for no such person');
  t.equal(store.reads.get('person-p1'), 1);
  const missing = await app.as(principals.zzBureau, { url: '/v1/persons/nobody/years' });
  t.equal(missing.statusCode, 404);
});

t.test('revoking a credit moves the year out of compliance, in the read model and the report', async (t) => {
  const { app, position } = await compliantWorld();
  t.teardown(app.close);
  const report = async (minPosition: string) =>
    (await app.as(principals.zzBureau, { url: `/v1/reports/year-totals?jurisdiction=zhengzhou&year=2014&minPosition=${minPosition}` })).json().rows[0];
  t.same(await report(position), { jurisdiction: 'zhengzhou', year: 2014, group: 'all', persons: 1, compliantPersons: 1, hoursPublic: 26, hoursProfessional: 60, hoursElective: 0, hoursTotal: 86 });
  const revoked = await ok(app, principals.zzBureau, '/v1/credits/p1:c1/revocation', { reason: 'no attendance record' });
  const y = (await app.as(principals.professional, { url: `/v1/persons/p1/years/2014?minPosition=${revoked.position}` })).json();
  t.equal(y.compliant, false);
  t.same(y.shortfall, { public: 0, professional: 30, elective: 0, total: 30 });
  t.same(y.excluded, [{ creditId: 'p1:c1', ruleId: 'GEN-1', reason: 'revoked on 2014-06-20', hours: 30 }]);
  const after = await report(revoked.position);
  t.same([after.compliantPersons, after.hoursProfessional], [0, 30]);
});

t.test('reports group and export CSV', async (t) => {
  const { app, position } = await compliantWorld();
  t.teardown(app.close);
  const csv = await app.as(principals.auditor, { url: `/v1/reports/year-totals?jurisdiction=zhengzhou&year=2014&groupBy=category&format=csv&minPosition=${position}` });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.equal(
    csv.body,
    '\uFEFFjurisdiction,year,group,persons,compliantPersons,hoursPublic,hoursProfessional,hoursElective,hoursTotal\r\n' +
      'zhengzhou,2014,professional,1,1,0,60,0,60\r\n' +
      'zhengzhou,2014,public,1,1,26,0,0,26\r\n',
  );
  const other = await app.as(principals.szBureau, { url: '/v1/reports/year-totals?jurisdiction=zhengzhou&year=2014' });
  t.equal(other.statusCode, 403, 'a bureau reports on its own jurisdiction only');
});

t.test('who may read a person-year', async (t) => {
  const { app, position } = await compliantWorld();
  t.teardown(app.close);
  const status = async (p: Parameters<typeof app.as>[0]) => (await app.as(p, { url: `/v1/persons/p1/years/2014?minPosition=${position}` })).statusCode;
  t.equal(await status(principals.professional), 200, 'the owner');
  t.equal(await status(principals.employer), 200, 'the employer');
  t.equal(await status(principals.zzBureau), 200, 'the bureau of the jurisdiction');
  t.equal(await status(principals.auditor), 200, 'an auditor');
  t.equal(await status(principals.otherProfessional), 404, 'out of scope: answered as a person that does not exist');
  t.equal(await status(principals.otherEmployer), 404);
  t.equal(await status(principals.szBureau), 404);
  t.equal(await status(principals.instA), 403, 'institutions do not read persons');
  t.equal(await status(undefined), 401);
  t.equal((await app.as(principals.auditor, { url: '/v1/persons/p1/years/2013' })).statusCode, 404);
  t.equal((await app.as(principals.auditor, { url: '/v1/persons/nobody/years/2014' })).statusCode, 404);
});

t.test('minPosition beyond the head times out with 504', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const started = Date.now();
  const res = await app.as(principals.auditor, { url: '/v1/persons/p1?minPosition=999999' });
  t.equal(res.statusCode, 504);
  t.equal(res.json().error.code, 'TIMEOUT');
  t.ok(Date.now() - started < 2000, 'bounded wait (300 ms in tests)');
});
