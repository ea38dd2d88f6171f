import { readFileSync } from 'node:fs';
import t from 'tap';
import { redactIdNumbers } from '../../src/log/redact.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, seedZhengzhou } from '../support/fixtures.js';
import { idNumbersIn } from '../support/id-grep.js';
import { logCollectionFile } from '../support/log-collection.js';

const lines = (logs: string[]) => logs.map((l) => JSON.parse(l) as Record<string, unknown>);

t.test('an API request logs one line when done: its id, method, path and status', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const res = await app.as(principals.auditor, { url: '/v1/persons/nobody/years/2014' });
  t.equal(res.statusCode, 404);
  const done = lines(app.logs).filter((l) => l.msg === 'request completed');
  t.equal(done.length, 1);
  t.match(done[0], { level: 30, reqId: String, req: { method: 'GET', url: '/v1/persons/nobody/years/2014' }, res: { statusCode: 404 }, responseTime: Number });
  t.notOk(app.logs.some((l) => l.includes('Bearer')), 'the token is not logged');
});

t.test('public verification logs nothing per request; its server faults are logged without the query', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const before = app.logs.length;
  t.equal((await app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=410102199001011234' })).json().verdict, 'not-found');
  t.equal((await app.app.inject({ url: '/v1/verify/ZZ-2014-000001' })).statusCode, 400);
  t.equal(app.logs.length, before, 'no line for an answer or a client error');
  app.read.models.verification = () => {
    throw new Error('read model unreadable');
  };
  const res = await app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=410102199001011234' });
  t.same([res.statusCode, res.json().error.code], [500, 'INTERNAL']);
  const fault = lines(app.logs.slice(before));
  t.equal(fault.length, 1);
  t.match(fault[0], { level: 50, scope: 'verify', msg: 'unhandled error', err: { message: 'read model unreadable' } });
  t.notOk(app.logs.some((l) => l.includes('410102199001011234')));
});

t.test('a request to no route is logged by its path only', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  t.equal((await app.app.inject({ url: '/v1/verifx?holder=410102199001011234' })).statusCode, 404);
  t.match(lines(app.logs).at(-1), { msg: 'no such route', method: 'GET', path: '/v1/verifx' });
  t.notOk(app.logs.some((l) => l.includes('410102199001011234')));
});

t.test('no log line carries an ID number: not from a query string, a path, a 404, nor a person id that is one', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await app.read.runner.waitForPosition(await app.store.headPosition(), 2000);
  const id = ID_NUMBERS.p1;
  t.equal((await app.as(principals.auditor, { url: `/v1/persons/p1?holder=${id}` })).statusCode, 200);
  t.equal((await app.as(principals.auditor, { url: `/v1/persons/${id}/years` })).statusCode, 400, 'a person id that is an ID number is refused');
  t.equal((await app.app.inject({ url: `/v1/nothing/${id}x?q=${id.toLowerCase()}` })).statusCode, 404);
  const reg = await app.as(principals.employer, {
    method: 'POST',
    url: '/v1/persons',
    payload: { personId: `emp-${ID_NUMBERS.p2}`, idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' },
  });
  t.equal(reg.statusCode, 400);
  t.match(reg.json().error.details, [{ path: 'body.personId', message: /resident ID number/ }], 'nor one that holds one');
  const done = lines(app.logs).filter((l) => l.msg === 'request completed');
  t.match(done[done.length - 3], { req: { url: '/v1/persons/p1?holder=[id-number]' } }, 'the URL is logged with the number redacted');
  t.match(lines(app.logs).at(-2), { msg: 'no such route', path: '/v1/nothing/[id-number]x' });
  for (const line of app.logs) t.same(idNumbersIn(line), [], 'no ID number');
  t.notOk(app.logs.some((l) => l.includes(id) || l.includes(ID_NUMBERS.p2)));
});

t.test('redaction is of any 18-character GB 11643 shape, checked digits or not; the grep finds valid numbers also inside longer runs', async (t) => {
  t.equal(redactIdNumbers('a 11010519491231002X b 110105194912310021 c'), 'a [id-number] b [id-number] c');
  t.equal(redactIdNumbers('position 12345678901234567 stays'), 'position 12345678901234567 stays', '17 digits are not one');
  t.same(idNumbersIn(`x9${ID_NUMBERS.p1}9 and 123456789012345678`), [ID_NUMBERS.p1], 'inside a longer run; a number without a valid check is not counted by the grep');
});

t.test('under npm test, every log line of the app reaches the run’s collection, which test/log-grep/after.ts greps when all files are done', async (t) => {
  if (!logCollectionFile) {
    t.pass('not collecting: run through npm test or tap');
    return;
  }
  const app = await testApp();
  t.teardown(app.close);
  await app.as(principals.auditor, { url: '/v1/persons/collected-check' });
  const reqId = lines(app.logs).at(-1)!.reqId as string;
  const collected = readFileSync(logCollectionFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  t.ok(collected.some((l) => l.reqId === reqId && (l.req as { url: string }).url === '/v1/persons/collected-check'));
});
