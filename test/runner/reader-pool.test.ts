import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { listModels, listPage } from '../../projections/json-lists.js';
import type { ListArgs, ListName } from '../../projections/json-lists.js';
import type { JsonPage } from '../../projections/paging.js';
import { localLists, ReaderPool } from '../../src/runner/reader-pool.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

/** A data dir's read models with Zhengzhou's seed and two persons of emp-1 with 2014 completions (p3 short) folded into them. */
async function seeded(t: Test) {
  const tmp = tempDir();
  const file = join(tmp.dir, 'readmodels.db');
  const app = await testApp({ readModelFile: file });
  t.teardown(async () => {
    await app.close();
    tmp.remove();
  });
  await seedZhengzhou(app);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p3', idNumber: ID_NUMBERS.p2, name: '李四', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const last = await ok(app, principals.instA, '/v1/completions', { personId: 'p3', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  await app.read.runner.waitForPosition(BigInt(last.position as string), 5_000);
  const here = listModels((name) => app.read.projector.queries(name));
  return { file, here };
}

const asSeen = (page: JsonPage<unknown>) => ({ json: page.joined.toString('utf8'), nextCursor: page.nextCursor, nextKey: page.nextKey });

t.test('a reader thread reads every JSON list page for page as the thread that answers does', async (t) => {
  const { file, here } = await seeded(t);
  const pool = new ReaderPool(file, 2, localLists(() => here));
  t.teardown(() => pool.close());
  const lists: { [K in ListName]: ListArgs<K> } = {
    staff: { employerId: 'emp-1', year: 2014, filter: {} },
    persons: { filter: { jurisdiction: 'zhengzhou' } },
    courses: { filter: { jurisdiction: 'zhengzhou' } },
    institutions: { filter: { jurisdiction: 'zhengzhou' } },
  };
  for (const name of Object.keys(lists) as ListName[]) {
    let after: JsonPage<unknown>['nextKey'];
    let pages = 0;
    do {
      const local = listPage(here, name, lists[name] as never, 1, after);
      const remote = await pool.page(name, lists[name] as never, 1, after);
      t.same(asSeen(remote), asSeen(local), `${name}: page ${pages + 1}`);
      t.same(remote.items, local.items);
      after = local.nextKey;
      pages++;
    } while (after);
    t.ok(pages >= 2, `${name}: ${pages} pages`);
  }
  const staff = await pool.page('staff', { employerId: 'emp-1', year: 2014, filter: { compliant: false } }, 50);
  t.same(
    staff.items.map((s) => [s.personId, s.compliant]),
    [['p3', false]],
    'only the short',
  );
  t.same(asSeen(await pool.page('staff', { employerId: 'nobody', year: 2014, filter: {} }, 50)), { json: '', nextCursor: null, nextKey: undefined }, 'an empty page');
});

t.test('a page that fails on a reader thread fails alone; a reader thread that dies is started again', async (t) => {
  const { file, here } = await seeded(t);
  const pool = new ReaderPool(file, 1, localLists(() => here));
  t.teardown(() => pool.close());
  await t.rejects(pool.page('no-such-list' as ListName, {} as never, 1), /reader thread: /);
  t.equal((await pool.page('courses', { filter: {} }, 50)).items.length, 3, 'the thread still answers');
  const readers = (pool as unknown as { readers: { worker: { terminate(): Promise<number> } }[] }).readers;
  const dying = pool.page('courses', { filter: {} }, 50);
  await readers[0]!.worker.terminate();
  await dying.then(
    (page) => t.equal(page.items.length, 3, 'answered before the thread ended'),
    (err: Error) => t.match(err.message, /reader thread exited/, 'a page in hand when the thread ends fails'),
  );
  t.equal((await pool.page('courses', { filter: {} }, 50)).items.length, 3, 'a new thread answers');
  await pool.close();
  await t.rejects(pool.page('courses', { filter: {} }, 50), /closed/);
});

t.test('reader threads that cannot open the database leave the pages to the calling thread', async (t) => {
  const { here } = await seeded(t);
  const empty = tempDir();
  const pool = new ReaderPool(join(empty.dir, 'no-such-dir', 'readmodels.db'), 2, localLists(() => here));
  t.teardown(async () => {
    await pool.close();
    empty.remove();
  });
  const readers = (pool as unknown as { readers: unknown[] }).readers;
  const first = await pool.page('courses', { filter: {} }, 50).then(
    (page) => page.items.length,
    (err: Error) => err.message,
  );
  t.match(String(first), /^3$|^reader thread: Cannot open database/, 'a page in hand when the thread fails fails, or is read here');
  for (let i = 0; i < 100 && readers.length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(readers.length, 0, 'no thread is started again');
  t.equal((await pool.page('courses', { filter: {} }, 50)).items.length, 3, 'read on the calling thread');
});
