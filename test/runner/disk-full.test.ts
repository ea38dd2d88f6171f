import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { PreparedBatch } from '../../src/runner/projector.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { EventStore } from '../../src/store/port.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { uniqueIdNumbers } from '../support/id-numbers.js';
import { tempDir } from '../support/tmp.js';

const idNumber = uniqueIdNumbers(16);
let n = 0;
const register = (app: TestApp) =>
  app.as(principals.employer, {
    method: 'POST',
    url: '/v1/persons',
    payload: { personId: `df-${++n}`, idNumber: idNumber(), name: '张'.repeat(100), jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' },
  });

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Fills the file system of `dir` to the last byte; returns the function that frees the space again. */
function fill(dir: string): () => void {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
    for (let size = 2048; size >= 1; size >>= 1) {
      try {
        for (;;) writeSync(fd, chunk.subarray(0, size));
      } catch {
        // smaller pieces, until not a byte more fits
      }
    }
  } finally {
    closeSync(fd);
  }
  return () => rmSync(file, { force: true });
}

/** A tmpfs of `size` at `dir`, when this process may mount one (root in a container that lets it). */
function mountSmall(dir: string, size: string): (() => void) | undefined {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? () => void spawnSync('umount', ['-l', dir]) : undefined;
}

const health = async (app: TestApp, url = '/ready') => {
  const res = await app.app.inject({ url });
  return { status: res.statusCode, body: res.json() };
};

async function readModelsFull(t: Test, app: TestApp, full: () => Promise<void>, free: () => void) {
  t.equal((await health(app)).status, 200, 'ready before');
  await full();
  t.equal(app.read.runner.status().state, 'retrying', 'the runner keeps the batch it could not write');
  for (const url of ['/ready', '/health']) {
    const h = await health(app, url);
    t.equal(h.status, 503, `${url} answers 503`);
    t.equal(h.body.status, 'not_ready');
    t.equal(h.body.projection.state, 'retrying');
    t.match(h.body.projection.error, /SQLITE_FULL/);
    t.ok(BigInt(h.body.projection.lag) > 0n, 'and says how far behind the read models are');
  }
  free();
  await until('the runner to resume', async () => (await health(app)).status === 200);
  t.equal(app.read.runner.position, await app.store.headPosition(), 'the read models caught up with every write');
  t.equal(app.read.runner.status().state, 'running');
}

const mountable = (() => {
  const probe = tempDir();
  const unmount = mountSmall(probe.dir, '64k');
  unmount?.();
  probe.remove();
  return unmount !== undefined;
})();

t.test('disk full on a size-limited file system: 507 with Retry-After, the runner waits and resumes', { skip: mountable ? false : 'no tmpfs can be mounted here (needs root); the injected SQLITE_FULL test covers the same paths' }, async (t) => {
  const tmp = tempDir();
  const eventsDir = join(tmp.dir, 'events');
  const readsDir = join(tmp.dir, 'reads');
  // The event store's WAL grows to ~4 MB before its first checkpoint; the read models' disk is filled at once.
  const unmountEvents = mountSmall(eventsDir, '12m')!;
  const unmountReads = mountSmall(readsDir, '2m')!;
  const store = SqliteEventStore.open({ file: join(eventsDir, 'events.db'), clock: () => FIXED_NOW });
  const app = await testApp({ store, readModelFile: join(readsDir, 'readmodels.db') });
  t.teardown(async () => {
    await app.close();
    unmountEvents();
    unmountReads();
    tmp.remove();
  });
  for (let i = 0; i < 5; i++) t.equal((await register(app)).statusCode, 201);

  let freeReads = () => {};
  await readModelsFull(
    t,
    app,
    async () => {
      freeReads = fill(readsDir);
      let accepted = 0;
      await until('the read models to meet the full disk', async () => {
        t.equal((await register(app)).statusCode, 201, 'writes to the event store go on');
        accepted++;
        return app.read.runner.status().state === 'retrying' || accepted > 400;
      }, 60_000);
      const last = (await register(app)).json();
      const stale = await app.as(principals.employer, { url: `/v1/persons/df-${n}?minPosition=${last.position}` });
      t.equal(stale.statusCode, 504, 'a read that must see the last write waits and says so, it is not served stale');
    },
    () => freeReads(),
  );

  const freeEvents = fill(eventsDir);
  let refused: Awaited<ReturnType<typeof register>> | undefined;
  for (let i = 0; i < 400 && !refused; i++) {
    const head = await app.store.headPosition();
    const res = await register(app);
    if (res.statusCode === 201) continue;
    refused = res;
    t.equal(await app.store.headPosition(), head, 'the refused write appended nothing');
  }
  t.ok(refused, 'the full event store refuses a write');
  t.equal(refused?.statusCode, 507);
  t.equal(refused?.json().error.code, 'STORAGE_FULL');
  t.equal(refused?.headers['retry-after'], '30');
  freeEvents();
  t.equal((await register(app)).statusCode, 201, 'writes pass again once space returns');
});

t.test('disk full by an injected SQLITE_FULL: the same answers on any machine', async (t) => {
  const full = { store: false, reads: false };
  const memory = new MemoryEventStore(() => FIXED_NOW);
  const sqliteFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  const append: EventStore['append'] = (s, e, o) => (full.store ? Promise.reject(sqliteFull()) : memory.append(s, e, o));
  const store = new Proxy(memory, { get: (s, k) => (k === 'append' ? append : Reflect.get(s, k, s)) }) as EventStore;
  const app = await testApp({ store });
  t.teardown(app.close);
  const commit = app.read.projector.commit.bind(app.read.projector);
  let failedWrites = 0;
  app.read.projector.commit = (batch: PreparedBatch) => {
    if (full.reads) {
      failedWrites++;
      throw sqliteFull();
    }
    commit(batch);
  };

  t.equal((await register(app)).statusCode, 201);
  await readModelsFull(
    t,
    app,
    async () => {
      full.reads = true;
      const res = await register(app);
      t.equal(res.statusCode, 201);
      await until('a failed read-model write', () => failedWrites >= 2);
    },
    () => (full.reads = false),
  );
  t.ok(failedWrites >= 2, `retried with backoff (${failedWrites} attempts)`);

  full.store = true;
  const head = await app.store.headPosition();
  const refused = await register(app);
  t.equal(refused.statusCode, 507);
  t.same(refused.json().error.code, 'STORAGE_FULL');
  t.equal(refused.headers['retry-after'], '30');
  t.equal(await app.store.headPosition(), head);
  full.store = false;
  t.equal((await register(app)).statusCode, 201);
});
