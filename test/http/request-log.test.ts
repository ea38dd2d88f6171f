import t from 'tap';
import { principals, testApp } from '../support/app.js';

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
