import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import t from 'tap';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

t.test('/metrics in Prometheus text format: requests and latencies by route pattern, projection lag, group-commit sizes, store size', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const app = await testApp({ store: SqliteEventStore.open({ file: join(tmp.dir, 'events.db') }) });
  t.teardown(app.close);
  await seedZhengzhou(app);
  const last = await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  await app.read.runner.waitForPosition(BigInt(last.position), 2000);
  t.equal((await app.as(principals.auditor, { url: '/v1/persons/p1/years/2014?holder=410102198501159812' })).statusCode, 200);
  for (let i = 0; i < 3; i++) await app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=张三丰' });
  await app.app.inject({ url: '/v1/no/such/route' });

  const res = await app.app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const families = new Map(parsePrometheusTextFormat(res.body).map((f) => [f.name, f]));
  const requests = families.get('ledger_http_requests_total')!;
  t.equal(requests.type, 'COUNTER');
  const count = (route: string, status: string, method = 'POST') =>
    Number(requests.metrics.find((m) => m.labels?.route === route && m.labels?.status === status && m.labels?.method === method)?.value ?? 0);
  t.equal(count('/v1/institutions', '201'), 2, 'two institutions accredited');
  t.equal(count('/v1/courses/:id/approval', '201'), 3, 'by route pattern, not by URL');
  t.equal(count('/v1/persons/:id/years/:year', '200', 'GET'), 1);
  t.equal(count('/v1/verify/:no', '200', 'GET'), 3, 'the public verification routes are counted too');
  t.equal(count('(no route)', '404', 'ANY'), 1);
  t.notOk(requests.metrics.some((m) => /[?]|4101/.test(JSON.stringify(m.labels))), 'no raw URL, query or ID number in a label');
  const latency = families.get('ledger_http_request_duration_seconds')!;
  t.equal(latency.type, 'HISTOGRAM');
  // The parser folds a labelled histogram's series into one (parse-prometheus-text-format 1.1.1), so its samples are read from the text too.
  const sample = (series: string) => Number(res.body.split('\n').find((l) => l.startsWith(`ledger_http_request_duration_seconds_${series} `))?.split(' ')[1]);
  t.equal(sample('count{method="POST",route="/v1/courses/:id/approval"}'), 3);
  t.ok(sample('sum{method="POST",route="/v1/courses/:id/approval"}') > 0);
  t.equal(sample('bucket{method="POST",route="/v1/courses/:id/approval",le="+Inf"}'), 3);
  t.ok(sample('bucket{method="POST",route="/v1/courses/:id/approval",le="5"}') <= 3, 'buckets are cumulative');
  t.same(families.get('ledger_projection_lag_events')!.metrics.map((m) => Number(m.value)), [0], 'the read side has caught up');
  t.equal(Number(families.get('ledger_projection_position')!.metrics[0]!.value), Number(last.position));
  const commits = families.get('ledger_store_group_commit_appends')!;
  const writes = requests.metrics.filter((m) => m.labels?.method === 'POST' && m.labels.status === '201').reduce((n, m) => n + Number(m.value), 0);
  t.equal(writes, 10);
  // Registering a person also appends the reservation of its ID number's hash: 11 appends.
  t.same([Number(commits.metrics[0]!.count), Number(commits.metrics[0]!.sum)], [writes + 1, writes + 1], 'each append of this sequential test was a commit of its own');
  t.ok(Number(families.get('ledger_store_size_bytes')!.metrics[0]!.value) > 4096, 'the store file on disk');
  t.ok(Number(families.get('process_resident_memory_bytes')!.metrics[0]!.value) > 1e6, "the process's memory");
});

t.test('X-Request-Id: taken from the request when it is a plain token, made otherwise, and returned on every answer', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const given = { 'x-request-id': 'trace-7f1c.0001' };
  const read = await app.as(principals.auditor, { url: '/v1/persons/nobody', headers: given });
  t.equal(read.headers['x-request-id'], 'trace-7f1c.0001');
  t.equal(JSON.parse(app.logs.at(-1)!).reqId, 'trace-7f1c.0001', 'and it is the id the log line carries');
  t.equal((await app.app.inject({ url: '/v1/verify/ZZ-2014-000001?holder=张三丰', headers: given })).headers['x-request-id'], 'trace-7f1c.0001', 'public verification too');
  t.equal((await app.app.inject({ url: '/v1/nothing', headers: given })).headers['x-request-id'], 'trace-7f1c.0001', 'and a 404 of no route');
  t.equal((await app.app.inject({ url: '/v1/verify/ZZ-2014-000001', headers: given })).headers['x-request-id'], 'trace-7f1c.0001', 'and a 400 of verification');
  const made = await app.as(principals.auditor, { url: '/v1/persons/nobody' });
  t.match(made.headers['x-request-id'], /^[0-9a-f]{12}-[0-9a-z]+$/, 'this process’s prefix and a count');
  const odd = await app.as(principals.auditor, { url: '/v1/persons/nobody', headers: { 'x-request-id': 'has spaces and <html>' } });
  t.not(odd.headers['x-request-id'], 'has spaces and <html>', 'an id that is not a plain token is replaced');
  t.not(made.headers['x-request-id'], odd.headers['x-request-id']);
});
