import { join } from 'node:path';
import t from 'tap';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const completion = { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' };

/** The server as `ledger serve` runs it: SQLite events and the request table in one data dir. */
function onDisk(dir: string) {
  return testApp({ store: SqliteEventStore.open({ file: join(dir, 'events.db'), clock: () => FIXED_NOW }), idempotencyFile: join(dir, 'requests.db') });
}

t.test('on SQLite: writes answer their position, and a retry after a restart appends nothing', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const first = await onDisk(dir);
  await seedZhengzhou(first);
  const headers = { 'idempotency-key': 'ret-1' };
  const recorded = await first.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion, headers });
  t.equal(recorded.statusCode, 201);
  t.equal(recorded.json().position, String(await first.store.headPosition()), 'the body names the global position of the write');
  await first.close();

  const second = await onDisk(dir);
  t.teardown(second.close);
  const head = await second.store.headPosition();
  const retried = await second.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion, headers });
  t.equal(retried.statusCode, 201);
  t.same(retried.json(), recorded.json(), 'the first answer, after a restart');
  t.equal(retried.headers.etag, recorded.headers.etag);
  t.equal(await second.store.headPosition(), head, 'nothing appended');
  const keyless = await second.as(principals.instA, { method: 'POST', url: '/v1/completions', payload: completion });
  t.equal(keyless.statusCode, 409, 'without the key, a second completion is a duplicate');
});

t.test('on SQLite: a batch retried after a timeout records nothing twice', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const app = await onDisk(dir);
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p2', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  const items = ['p1', 'p2'].flatMap((personId) => ['c1', 'c2', 'c-pub'].map((courseId) => ({ ...completion, personId, courseId })));
  const res = await app.as(principals.instA, { method: 'POST', url: '/v1/completions/batch', payload: { items } });
  t.equal(res.json().recorded, 6);
  const head = await app.store.headPosition();
  // A client that never saw the answer sends the same batch again, without a key.
  const replay = await app.as(principals.instA, { method: 'POST', url: '/v1/completions/batch', payload: { items } });
  t.same([replay.json().recorded, replay.json().duplicates], [0, 6]);
  t.same(
    replay.json().results.map((r: { creditId: string }) => r.creditId),
    res.json().results.map((r: { creditId: string }) => r.creditId),
    'the same credit ids',
  );
  t.equal(await app.store.headPosition(), head);
});
