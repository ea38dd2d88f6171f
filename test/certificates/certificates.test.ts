import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { decodeQr, encodeQr } from '../../src/certificates/content.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { shantouData } from '../support/bureau-data.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const synced = async (app: TestApp, position: string) => {
  await app.read.runner.waitForPosition(BigInt(position), 2000);
};

async function compliantZhengzhou(options: Parameters<typeof testApp>[0] = {}) {
  const app = await testApp(options);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  return app;
}

async function issue(app: TestApp) {
  const res = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as { certificateNumber: string; qr: string; position: string };
}

const verify = async (app: TestApp, url: string) => (await app.app.inject({ url })).json();

t.test('a certificate is issued only for a compliant year, numbered per jurisdiction and year', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  const refused = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().error.details.ruleId, 'ZZ-1');
  t.same(refused.json().error.details.shortfall, { public: 26, professional: 30, elective: 0, total: 56 });
  for (const courseId of ['c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await issue(app);
  t.equal(issued.certificateNumber, 'ZZ-2014-000001');
  t.same(decodeQr(issued.qr)?.certificateNumber, 'ZZ-2014-000001');
  const again = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.equal(again.statusCode, 409, 'one standing certificate per year');
  const elsewhere = await app.as(principals.szBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.same([elsewhere.statusCode, elsewhere.json()], [404, { error: { code: 'NOT_FOUND', message: 'person p1 not found' } }], 'only the bureau of the jurisdiction issues; another is answered as for no such person');
});

t.test('verdicts: unstamped, authentic, holder-mismatch, altered, not-found', async (t) => {
  const app = await compliantZhengzhou();
  t.teardown(app.close);
  const { certificateNumber: no, qr, position } = await issue(app);
  await synced(app, position);
  t.equal((await verify(app, `/v1/verify/${no}?holder=张三丰`)).verdict, 'unstamped', 'not valid before the stamp');
  const stamp = await ok(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人力资源和社会保障局' });
  await synced(app, stamp.position);
  const authentic = await verify(app, `/v1/verify/${no}?holder=张三丰`);
  t.equal(authentic.verdict, 'authentic');
  t.same(authentic.certificate, {
    holder: '张**',
    year: 2014,
    jurisdiction: 'zhengzhou',
    hours: { public: 26, professional: 60, elective: 0, total: 86 },
    issuedOn: '2014-06-20',
    stamp: { authority: '郑州市人力资源和社会保障局', stampedOn: '2014-06-20' },
  });
  const again = await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰` });
  t.equal(again.headers['content-type'], 'application/json; charset=utf-8', 'the answer kept ready is served as JSON');
  t.same(again.json(), authentic, 'and says the same the second time');
  t.match(again.body, /^[\x20-\x7e]+$/, 'in ASCII: the Chinese of the answer escaped');
  t.equal(Number(again.headers['content-length']), again.rawPayload.length);
  const head = await app.app.inject({ method: 'HEAD', url: `/v1/verify/${no}?holder=张三丰` });
  t.same([head.statusCode, head.headers['content-length'], head.body], [200, again.headers['content-length'], ''], 'HEAD: the same headers, no body');
  t.equal((await verify(app, `/v1/verify/${no}?holder=${ID_NUMBERS.p1}`)).verdict, 'authentic', 'by ID number, compared as a keyed hash');
  t.notOk(app.logs.some((line) => line.includes(ID_NUMBERS.p1)), 'an ID number in the query never reaches a log line, though the app logs at info');
  const digest = decodeQr(qr)!.digest;
  const lent = await verify(app, `/v1/verify/${no}?holder=李四&digest=${digest}`);
  t.same(lent, { verdict: 'holder-mismatch', certificateNumber: no }, 'shown (with its printed digest) by someone else: nothing about the real holder');
  t.equal((await verify(app, `/v1/verify?qr=${encodeURIComponent(qr)}&holder=${ID_NUMBERS.p2}`)).verdict, 'holder-mismatch', 'scanned and shown by someone else');
  t.same(await verify(app, `/v1/verify/${no}?holder=李四`), { verdict: 'not-found', certificateNumber: no }, 'by number alone, the wrong holder learns no more than for a number never issued');
  t.equal((await verify(app, `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰`)).verdict, 'authentic', 'the QR payload verifies');
  const parts = decodeQr(qr)!;
  const edited = encodeQr({ ...parts, digest: parts.digest.replace(/^./, parts.digest[0] === 'a' ? 'b' : 'a') });
  t.equal((await verify(app, `/v1/verify?qr=${encodeURIComponent(edited)}&holder=张三丰`)).verdict, 'altered', 'content edited in the QR payload');
  t.equal((await verify(app, `/v1/verify/${no}?holder=张三丰&digest=${'0'.repeat(64)}`)).verdict, 'not-found', 'a typed digest that differs: no such certificate (a guessed digest reveals nothing)');
  t.equal((await verify(app, `/v1/verify/ZZ-2014-999999?holder=张三丰`)).verdict, 'not-found');
  const missing = await app.app.inject({ url: `/v1/verify/${no}` });
  t.equal(missing.statusCode, 400, 'the holder is required');
  t.same(missing.json().error.details.map((d: { path: string }) => d.path), ['querystring.holder']);
  const blank = await app.app.inject({ url: `/v1/verify/${no}?holder=%20%20` });
  t.equal(blank.statusCode, 400, 'a holder of spaces is no holder');
  t.same(blank.json().error.details.map((d: { path: string }) => d.path), ['querystring.holder']);
  const long = await app.app.inject({ url: `/v1/verify/${no}?holder=${'张'.repeat(101)}` });
  t.same([long.statusCode, long.json().error.code], [400, 'VALIDATION_FAILED'], 'nor is a holder of 101 characters');
  const badDigest = await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰&digest=XYZ` });
  t.same(badDigest.json().error.details.map((d: { path: string }) => d.path), ['querystring.digest'], 'a digest is 64 hex digits');
  t.equal((await app.app.inject({ url: `/v1/verify?holder=张三丰` })).statusCode, 400, 'the QR route needs its payload');
});

t.test('revoked after stamping: revoked now, authentic in the history as of the day before', async (t) => {
  const app = await compliantZhengzhou();
  t.teardown(app.close);
  const { certificateNumber: no } = await issue(app);
  await ok(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  app.setNow(new Date('2014-07-02T03:00:00Z'));
  const revoked = await ok(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason: 'lent', note: 'shown by a colleague' });
  await synced(app, revoked.position);
  const v = await verify(app, `/v1/verify/${no}?holder=张三丰`);
  t.equal(v.verdict, 'revoked');
  t.same(v.certificate.revocation, { reason: 'lent', revokedOn: '2014-07-02' });
  const history = (await app.as(principals.auditor, { url: '/v1/audit/persons/p1/history?asOf=2014-07-01' })).json();
  t.equal(history.state.years[0].certificate.status, 'stamped', 'as of the day before, the certificate stood');
  t.notOk(history.events.some((e: { type: string }) => e.type === 'CertificateRevoked'));
  const now = (await app.as(principals.auditor, { url: '/v1/audit/persons/p1/history' })).json();
  t.equal(now.state.years[0].certificate.status, 'revoked');
  const last = now.events.at(-1);
  t.same([last.type, last.actor], ['CertificateRevoked', { role: 'bureau', id: 'zz-city' }]);
  t.equal(now.events[1].prevHash, now.events[0].hash, 'the history carries the hash chain');
  t.equal((await app.as(principals.auditor, { url: `/v1/audit/persons/p1/history?asOf=${now.events[0].position}` })).json().events.length, 1, 'as of a position');
  const outside = await app.as(principals.szBureau, { url: '/v1/audit/persons/p1/history' });
  t.same([outside.statusCode, outside.json()], [404, { error: { code: 'NOT_FOUND', message: 'no events for person p1' } }], "another jurisdiction's bureau: as for no such person");
});

t.test('a credit revoked after issue invalidates the certificate', async (t) => {
  const app = await compliantZhengzhou();
  t.teardown(app.close);
  const { certificateNumber: no } = await issue(app);
  await ok(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  const revoked = await ok(app, principals.zzBureau, '/v1/credits/p1:c2/revocation', { reason: 'proof issued without training' });
  await synced(app, revoked.position);
  const v = await verify(app, `/v1/verify/${no}?holder=张三丰`);
  t.equal(v.verdict, 'invalidated');
  t.equal(v.certificate.invalidatedBecause, 'credit p1:c2 it rests on was revoked on 2014-06-20');
  const year = (await app.as(principals.professional, { url: '/v1/persons/p1/years/2014' })).json();
  t.equal(year.certificate.status, 'invalidated');
});

t.test('stamping rules: ZZ-7 competence, ST-12 stamp days, ST-4 no past years from 2015', async (t) => {
  const app = await compliantZhengzhou();
  t.teardown(app.close);
  const { certificateNumber: no } = await issue(app);
  const county = { role: 'bureau', sub: 'zz-county', jurisdiction: 'zhengzhou', level: 'county' } as const;
  const byCounty = await app.as(county, { method: 'POST', url: `/v1/certificates/${no}/stamps`, payload: { stampedOn: '2014-06-20', authority: '县人社局' } });
  t.equal(byCounty.statusCode, 422);
  t.equal(byCounty.json().error.details.ruleId, 'ZZ-7', 'an intermediate certificate is stamped by the city bureau');

  const st = await testApp();
  t.teardown(st.close);
  const stInst = { role: 'institution', sub: 'st-inst' } as const;
  await ok(st, principals.stBureau, '/v1/institutions', { institutionId: 'st-inst', name: '汕头市行政学院', jurisdiction: 'shantou', level: 'city', accreditedOn: '2013-01-01' });
  await ok(st, principals.stBureau, '/v1/catalogues/shantou/public-subjects/2014', { subjects: shantouData().publicSubjects[0]!.subjects });
  const courses = [['st-pub', 'public', 20], ['st-p1', 'professional', 21], ['st-p2', 'professional', 21], ['st-el', 'elective', 12]] as const;
  for (const [courseId, category, hours] of courses) {
    const title = category === 'public' ? '新型城镇化实践与发展' : courseId;
    await ok(st, stInst, '/v1/courses', { courseId, institutionId: 'st-inst', title, category, hours, level: 'city', mode: 'in-person', startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn: '2014-03-01' });
  }
  await ok(st, principals.employer, '/v1/persons', { personId: 'stp', idNumber: ID_NUMBERS.st, name: '陈一', jurisdiction: 'shantou', titleLevel: 'intermediate', employerId: 'emp-1' });
  for (const [courseId, category] of courses) {
    await ok(st, stInst, '/v1/completions', { personId: 'stp', courseId, completedOn: '2014-05-08', assessment: 'passed', proofNumber: `P-${courseId}` });
    if (category !== 'public') await ok(st, principals.employer, `/v1/credits/stp:${courseId}/reviews`, { stage: 'employer', decision: 'approved' });
    if (category === 'professional') await ok(st, principals.stBureau, `/v1/credits/stp:${courseId}/reviews`, { stage: 'bureau', decision: 'approved' });
  }
  const res = await st.as(principals.stBureau, { method: 'POST', url: '/v1/persons/stp/years/2014/certificate', payload: {} });
  t.equal(res.statusCode, 201, `Shantou 20 + 42 + 12 issues: ${res.body}`);
  const stNo = res.json().certificateNumber;
  t.equal(stNo, 'ST-2014-000001');
  st.setNow(new Date('2014-08-12T03:00:00Z'));
  const stamp = (stampedOn: string) => st.as(principals.stBureau, { method: 'POST', url: `/v1/certificates/${stNo}/stamps`, payload: { stampedOn, authority: '汕头市人社局' } });
  const sunday = await stamp('2014-08-10');
  t.equal(sunday.statusCode, 422);
  t.equal(sunday.json().error.details.ruleId, 'ST-12', 'Sunday the 10th is no stamp day');
  st.setNow(new Date('2015-01-20T03:00:00Z'));
  const nextYear = await stamp('2015-01-12');
  t.equal(nextYear.json().error.details.ruleId, 'ST-4', 'from 2015 no past year is verified');
  st.setNow(new Date('2014-08-12T03:00:00Z'));
  t.equal((await stamp('2014-08-11')).statusCode, 201, 'Monday the 11th, the next working day, is');
});

t.test('key rotation keeps old certificates authentic', async (t) => {
  const app = await compliantZhengzhou();
  t.teardown(app.close);
  const { certificateNumber: no, qr } = await issue(app);
  const stamp = await ok(app, principals.zzBureau, `/v1/certificates/${no}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await synced(app, stamp.position);
  const oldKey = decodeQr(qr)!.keyId;
  const newKey = app.keyring.rotate();
  t.not(newKey, oldKey);
  t.equal((await verify(app, `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰`)).verdict, 'authentic');
  const keys = (await app.app.inject({ url: '/v1/keys' })).json();
  t.same(keys.keys.map((k: { keyId: string }) => k.keyId).sort(), [oldKey, newKey].sort());
  t.equal(keys.current, newKey);
  const png = await app.as(principals.professional, { url: `/v1/certificates/${no}/qr.png` });
  t.equal(png.headers['content-type'], 'image/png');
  t.equal(png.rawPayload.subarray(1, 4).toString(), 'PNG');
});

t.test('an event edited in the SQLite file is named by the integrity check', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const app = await compliantZhengzhou({ store: SqliteEventStore.open({ file }) });
  t.same((await app.as(principals.auditor, { url: '/v1/audit/integrity' })).json().ok, true);
  const raw = new Database(file);
  raw.prepare(`UPDATE events SET data = replace(data, '"hours":30', '"hours":60') WHERE stream_id = 'person-p1' AND revision = 1`).run();
  raw.close();
  const res = (await app.as(principals.auditor, { url: '/v1/audit/integrity' })).json();
  await app.close();
  t.equal(res.ok, false);
  t.same([res.broken.streamId, res.broken.revision], ['person-p1', '1']);
  t.match(res.broken.reason, /altered/);
});
