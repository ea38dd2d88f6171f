import t from 'tap';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';

const completion = { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' };

t.test('a completion is recorded with its credit id and position; the person’s stream revision is not told to the institution', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const res = await app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion });
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.equal(body.creditId, 'p1:c1');
  t.equal(body.streamId, 'person-p1');
  t.notOk('revision' in body, 'no revision: it would count the facts other parties recorded of p1');
  t.equal(res.headers.etag, undefined, 'nor an ETag');
  t.match(body.position, /^\d+$/);
  const [, recorded] = await app.store.readStream('person-p1');
  t.equal(recorded!.type, 'CompletionRecorded');
  t.same(recorded!.data, {
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
  });
  t.same(recorded!.metadata, { actor: { role: 'institution', id: 'inst-a' }, schemaVersion: 1 });
  const correlated = await app.as(principals.instA, {
    method: 'POST',
    url: '/v1/completions',
    payload: { ...completion, courseId: 'c2' },
    headers: { 'idempotency-key': 'k-9', 'x-correlation-id': 'term-2014-spring' },
  });
  t.equal(correlated.statusCode, 201);
  const [, , second] = await app.store.readStream('person-p1');
  t.same(second!.metadata, { actor: { role: 'institution', id: 'inst-a' }, schemaVersion: 1, idempotencyKey: 'k-9', correlationId: 'term-2014-spring' });
});

t.test('rejections carry their code and status', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const post = (p: (typeof principals)[keyof typeof principals], url: string, payload: object) => app.as(p, { method: 'POST', url, payload });
  const cases: [string, Promise<{ statusCode: number; json(): { error: { code: string; details?: { ruleId?: string } } } }>, number, string][] = [
    ['unknown person', post(principals.instA, '/v1/completions', { ...completion, personId: 'nobody' }), 404, 'NOT_FOUND'],
    ['unknown course', post(principals.instA, '/v1/completions', { ...completion, courseId: 'nope' }), 404, 'NOT_FOUND'],
    ['before the course starts', post(principals.instA, '/v1/completions', { ...completion, completedOn: '2014-05-01' }), 422, 'RULE_VIOLATION'],
    ['more hours than the course', post(principals.instA, '/v1/completions', { ...completion, hours: 31 }), 422, 'RULE_VIOLATION'],
    ['missing field', post(principals.instA, '/v1/completions', { personId: 'p1' }), 400, 'VALIDATION_FAILED'],
    ['bad date', post(principals.instA, '/v1/completions', { ...completion, completedOn: '2014-02-30' }), 400, 'VALIDATION_FAILED'],
    ['unknown field', post(principals.instA, '/v1/completions', { ...completion, extra: 1 }), 400, 'VALIDATION_FAILED'],
    ['another institution', post(principals.instB, '/v1/completions', completion), 404, 'NOT_FOUND'],
    ['bad ID number', post(principals.employer, '/v1/persons', { personId: 'p9', idNumber: '410102198501159813', name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' }), 400, 'VALIDATION_FAILED'],
    ['Zhengzhou has no conversions', post(principals.professional, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'paper-national', hours: 16 }), 422, 'RULE_VIOLATION'],
    ['duplicate institution', post(principals.zzBureau, '/v1/institutions', { institutionId: 'inst-a', name: 'x', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2013-01-10' }), 409, 'CONFLICT'],
  ];
  for (const [name, pending, status, code] of cases) {
    const res = await pending;
    t.equal(res.statusCode, status, `${name}: status`);
    t.equal(res.json().error.code, code, `${name}: code`);
  }
  const zzConv = await post(principals.professional, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'paper-national', hours: 16 });
  t.equal(zzConv.json().error.details?.ruleId, 'ZZ-4', 'the refusal names its rule');
  await ok(app, principals.instA, '/v1/completions', completion);
  const dup = await post(principals.instA, '/v1/completions', { ...completion, completedOn: '2014-05-07' });
  t.equal(dup.statusCode, 409, 'a second completion of one course by one person');
});

t.test('registration keeps only a keyed hash and a masked ID number, never the number', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const [registered] = await app.store.readStream('person-p1');
  t.equal(registered!.data.idNumberMasked, '4101**********9812');
  t.match(registered!.data.idNumberHash, /^[0-9a-f]{64}$/);
  const everything = [];
  for await (const e of app.store.readAll()) everything.push(JSON.stringify(e.data) + JSON.stringify(e.metadata));
  t.notOk(everything.join('').includes(ID_NUMBERS.p1), 'no event holds the number in clear');
  t.notOk(app.logs.join('').includes(ID_NUMBERS.p1), 'no log line holds it');
  const again = await app.as(principals.zzBureau, {
    method: 'POST',
    url: '/v1/persons',
    payload: { personId: 'p1-twin', idNumber: ID_NUMBERS.p1, name: '张三丰', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' },
  });
  t.equal(again.statusCode, 409, 'one ID number, one person');
});

t.test('If-Match is the expected revision; a stale one answers 412', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const title = { to: 'deputy-senior', effectiveOn: '2014-07-01' };
  const stale = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: title, headers: { 'if-match': '"5"' } });
  t.equal(stale.statusCode, 412);
  t.equal(stale.json().error.code, 'PRECONDITION_FAILED');
  t.equal(stale.json().error.details.actual, '0');
  const fresh = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: title, headers: { 'if-match': '"0"' } });
  t.equal(fresh.statusCode, 201);
  t.equal(fresh.json().revision, '1');
  t.equal(fresh.headers.etag, '"1"');
  const bad = await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/title', payload: title, headers: { 'if-match': 'yesterday' } });
  t.equal(bad.statusCode, 400);
});

t.test('an institution cannot probe a person’s stream revision with If-Match: 400 whatever it names, and nothing is written', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const head = await app.store.headPosition();
  for (const [url, payload] of [
    ['/v1/completions', completion],
    ['/v1/enrolments', { personId: 'p1', courseId: 'c1', enrolledOn: '2014-05-01' }],
  ] as const) {
    for (const ifMatch of ['"0"', '"5"']) {
      const res = await app.as(principals.instA, { method: 'POST', url, payload, headers: { 'if-match': ifMatch } });
      t.equal(res.statusCode, 400, `${url} with If-Match ${ifMatch}`);
      t.same(res.json().error.details, [{ path: 'headers.if-match', message: 'not taken by this route' }], 'the same answer for the right revision and a wrong one');
    }
  }
  t.equal(await app.store.headPosition(), head, 'nothing was appended');
});

t.test('a retry with the same Idempotency-Key returns the first response and appends nothing', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const headers = { 'idempotency-key': 'k-123' };
  const first = await app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion, headers });
  const head = await app.store.headPosition();
  const second = await app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion, headers });
  t.equal(second.statusCode, first.statusCode);
  t.same(second.json(), first.json());
  t.equal(second.headers['idempotent-replayed'], 'true');
  t.equal(await app.store.headPosition(), head, 'nothing appended');
  const reused = await app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: { ...completion, courseId: 'c2' }, headers });
  t.equal(reused.statusCode, 422);
  t.equal(reused.json().error.code, 'IDEMPOTENCY_KEY_REUSED');
});

t.test('a retry sent while the first attempt still runs gets the same answer', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const head = await app.store.headPosition();
  const send = () => app.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion, headers: { 'idempotency-key': 'k-race' } });
  const answers = await Promise.all([send(), send(), send()]);
  t.same(answers.map((a) => a.statusCode), [201, 201, 201]);
  t.same(answers[1]!.json(), answers[0]!.json());
  t.same(answers[2]!.json(), answers[0]!.json());
  t.equal(await app.store.headPosition(), head + 1n, 'one event appended');
});

t.test('a batch records valid items, explains the rest, and records nothing twice when replayed', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p2', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  const items = [
    completion,
    { ...completion, courseId: 'c2' },
    { ...completion, personId: 'p2' },
    { ...completion, personId: 'ghost' },
    { ...completion, hours: 'many' },
  ];
  const res = await app.as(principals.instA, { method: 'POST', url: '/v1/completions/batch', payload: { items } });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same([body.recorded, body.duplicates, body.rejected], [3, 0, 2]);
  t.same(body.results.map((r: { status: string }) => r.status), ['recorded', 'recorded', 'recorded', 'rejected', 'rejected']);
  t.equal(body.results[3].error.code, 'NOT_FOUND');
  t.equal(body.results[4].error.code, 'VALIDATION_FAILED');
  t.match(body.results[4].error.details[0].path, 'items.4.hours');
  const head = await app.store.headPosition();
  const replay = await app.as(principals.instA, { method: 'POST', url: '/v1/completions/batch', payload: { items } });
  t.same([replay.json().recorded, replay.json().duplicates], [0, 3], 'a replay finds every item recorded');
  t.equal(await app.store.headPosition(), head, 'and appends nothing');
});

t.test('conversions: Suzhou ranges (SZ-5) on claim and review', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.sz, name: '王五', jurisdiction: 'suzhou', titleLevel: 'intermediate', employerId: 'emp-1' });
  const claim = (hours: number) => app.as(principals.professional, { method: 'POST', url: '/v1/conversions', payload: { personId: 'p1', year: 2014, kind: 'paper-national', hours, evidence: [{ kind: 'paper', ref: 'doi:10.1/x' }] } });
  const tooFew = await claim(14);
  t.equal(tooFew.statusCode, 422);
  t.equal(tooFew.json().error.details.ruleId, 'SZ-5');
  const good = await claim(17);
  t.equal(good.statusCode, 201);
  const creditId = good.json().creditId as string;
  t.match(creditId, /^p1:cv-[0-9a-f]{12}$/);
  const review = (hours: number) => app.as(principals.employer, { method: 'POST', url: `/v1/credits/${creditId}/reviews`, payload: { stage: 'employer', decision: 'approved', hours } });
  t.equal((await review(21)).statusCode, 422, 'a reviewer cannot fix a value outside the range');
  t.equal((await review(18)).statusCode, 201);
  const wrongStage = await app.as(principals.employer, { method: 'POST', url: `/v1/credits/${creditId}/reviews`, payload: { stage: 'bureau', decision: 'approved' } });
  t.equal(wrongStage.statusCode, 403);
  t.equal((await app.as(principals.szBureau, { method: 'POST', url: `/v1/credits/${creditId}/revocation`, payload: { reason: 'paper retracted' } })).statusCode, 201);
  t.equal((await review(18)).statusCode, 409, 'a revoked credit is not reviewed');
});

t.test('openapi and the event catalogue are served', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const spec = (await app.app.inject({ url: '/openapi.json' })).json();
  t.ok(spec.paths['/v1/completions/batch'], 'the batch route is documented');
  const catalogue = (await app.app.inject({ url: '/v1/schemas/events' })).json();
  t.ok(catalogue.events.CompletionRecorded.data.properties.creditId);
  t.equal(Object.keys(catalogue.events).length >= 17, true);
});
