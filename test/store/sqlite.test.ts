import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Test } from 'tap';
import { hashEvent } from '../../src/store/integrity.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { storeConformance } from './conformance.js';
import { tempDir } from '../support/tmp.js';

storeConformance(t, async () => {
  const tmp = tempDir();
  const store = SqliteEventStore.open({ file: join(tmp.dir, 'events.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      tmp.remove();
    },
  };
});

const ev = (i: number) => ({ eventId: randomUUID(), type: 'N', data: { i } });

t.test('reopening the file keeps every event and the chain', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const a = SqliteEventStore.open({ file });
  await a.append('s-1', [ev(0), ev(1)], { expected: 'no_stream' });
  await a.close();
  const b = SqliteEventStore.open({ file });
  t.equal((await b.append('s-1', [ev(2)], { expected: 1n })).nextRevision, 2n, 'the head survived the reopen');
  t.same(await b.verifyAll(), { ok: true, streams: 1, events: 3 });
  await b.close();
});

/** A store file holding person-a (three events) and person-b (two), with the store still open. */
async function twoStreams(t: Test) {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const store = SqliteEventStore.open({ file });
  await store.append('person-a', [ev(0), ev(1), ev(2)]);
  await store.append('person-b', [ev(0), ev(1)]);
  return { file, store };
}

/** The two streams' store after `edit` changed its file behind its back, opened again. */
async function edited(t: Test, edit: (db: Database.Database) => void) {
  const { file, store } = await twoStreams(t);
  await store.close();
  const raw = new Database(file);
  edit(raw);
  raw.close();
  return SqliteEventStore.open({ file });
}

async function tampered(t: Test, edit: (db: Database.Database) => void) {
  const reopened = await edited(t, edit);
  try {
    return { all: await reopened.verifyAll(), stream: await reopened.verifyStream('person-a') };
  } finally {
    await reopened.close();
  }
}

t.test('an event edited in the SQLite file is named by stream and revision', async (t) => {
  const { all, stream } = await tampered(t, (db) =>
    db.prepare(`UPDATE events SET data = '{"i":7}' WHERE stream_id = 'person-a' AND revision = 1`).run(),
  );
  t.equal(all.ok, false);
  if (!all.ok) {
    t.equal(all.broken.streamId, 'person-a');
    t.equal(all.broken.revision, 1n);
    t.match(all.broken.reason, /altered/);
  }
  t.equal(stream.ok, false);
});

t.test('a deleted event breaks the chain at the gap', async (t) => {
  const { all } = await tampered(t, (db) => db.prepare(`DELETE FROM events WHERE stream_id = 'person-a' AND revision = 1`).run());
  t.equal(all.ok, false);
  if (!all.ok) {
    t.equal(all.broken.streamId, 'person-a');
    t.equal(all.broken.revision, 2n, 'the first event after the gap');
    t.match(all.broken.reason, /missing/);
  }
});

t.test('a re-hashed edit is still caught by the next link', async (t) => {
  // Someone who edits an event and recomputes its hash breaks the following event's prevHash.
  const { all } = await tampered(t, (db) => db.prepare(`UPDATE events SET hash = ? WHERE stream_id = 'person-a' AND revision = 0`).run('f'.repeat(64)));
  t.equal(all.ok, false);
  if (!all.ok) t.equal(all.broken.revision, 0n);
});

t.test('concurrent appends are group-committed: far fewer commits than appends', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const store = SqliteEventStore.open({ file: join(tmp.dir, 'events.db') });
  const before = store.commits;
  await Promise.all(Array.from({ length: 64 }, (_, i) => store.append(`s-${i % 8}`, [ev(i)])));
  const commits = store.commits - before;
  t.ok(commits >= 1 && commits <= 4, `64 appends in ${commits} commit(s)`);
  t.same(await store.verifyAll(), { ok: true, streams: 8, events: 64 });
  await store.close();
});

t.test('a failing append in a group rolls back alone', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const store = SqliteEventStore.open({ file: join(tmp.dir, 'events.db') });
  await store.append('s', [ev(0)], { expected: 'no_stream' });
  const results = await Promise.allSettled([
    store.append('s', [ev(1), ev(2)], { expected: 0n }),
    store.append('s', [ev(3), ev(4)], { expected: 0n }),
    store.append('t', [ev(5)], { expected: 'no_stream' }),
  ]);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  t.same((await store.readStream('s')).map((e) => e.data.i), [0, 1, 2]);
  await store.close();
});

t.test('closed store refuses work', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const store = SqliteEventStore.open({ file: join(tmp.dir, 'events.db') });
  await store.close();
  await t.rejects(store.append('s', [ev(0)]), { code: 'STORE_CLOSED' });
});

t.test("a link page checks each event's hash on the text SQLite assembles, and agrees with the checked page", async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const store = SqliteEventStore.open({ file });
  // Strings JSON.stringify and json_quote write alike, and some they might not: quotes, backslashes, non-BMP, U+2028.
  const odd = { s: 'a"b\\c/d', zh: '测试 🧧', sep: '\u2028\u2029', ctl: '\u0001\u001f\t\n' };
  await store.append('person-a', [{ ...ev(0), data: odd }, ev(1), ev(2)]);
  await store.append('person-b', [ev(0), { ...ev(1), metadata: { note: 'x\u0007y' } }]);
  const links = await store.readLinkPage(1n, 100);
  const checked = await store.readCheckedPage(1n, 100);
  t.same(
    links.map((l) => [l.position, l.streamId, l.revision, l.prevHash, l.hash, l.contentMatches]),
    checked.map((c) => [c.position, c.streamId, c.revision, c.prevHash, c.hash, c.contentMatches]),
  );
  t.ok(links.every((l) => l.contentMatches), 'every untouched event holds');
  await store.close();

  const raw = new Database(file);
  raw.prepare(`UPDATE events SET data = '{"i":7}' WHERE stream_id = 'person-a' AND revision = 1`).run();
  // An edit that puts a control character in a column json_quote may write otherwise: the slow path re-hashes it.
  raw.prepare(`UPDATE events SET event_id = event_id || char(1) WHERE stream_id = 'person-b' AND revision = 0`).run();
  raw.close();
  const reopened = SqliteEventStore.open({ file });
  const after = await reopened.readLinkPage(1n, 100);
  t.same(
    after.map((l) => [l.streamId, l.revision, l.contentMatches]),
    [
      ['person-a', 0n, true],
      ['person-a', 1n, false],
      ['person-a', 2n, true],
      ['person-b', 0n, false],
      ['person-b', 1n, true],
    ],
  );
  t.same(after.map((l) => l.contentMatches), (await reopened.readCheckedPage(1n, 100)).map((c) => c.contentMatches));
  await reopened.close();
});

t.test('a page checked inside SQLite holds when every link and hash does, and not when one event is edited, moved or missing', async (t) => {
  const verdict = async (edit: (db: Database.Database) => void, from = 1n, max = 100) => {
    const reopened = await edited(t, edit);
    try {
      return await reopened.checkPageInPlace(from, max);
    } finally {
      await reopened.close();
    }
  };
  const none = () => {};
  t.same(await verdict(none), { count: 5, last: 5n, holds: true }, 'the whole store');
  t.same(await verdict(none, 2n, 2), { count: 2, last: 3n, holds: true }, 'a page of two from position 2');
  t.same(await verdict(none, 6n), { count: 0, last: 5n, holds: true }, 'past the end: an empty page');
  const edits: [string, (db: Database.Database) => void][] = [
    ['data edited', (db) => db.prepare(`UPDATE events SET data = '{"i":7}' WHERE position = 2`).run()],
    ['a newline in the data', (db) => db.prepare(`UPDATE events SET data = '{"i":' || char(10) || '1}' WHERE position = 2`).run()],
    ['an event deleted from the middle of its stream', (db) => db.prepare('DELETE FROM events WHERE position = 2').run()],
    ['a hash rewritten', (db) => db.prepare(`UPDATE events SET hash = CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END || substr(hash, 2) WHERE position = 1`).run()],
    ['a hash longer than 64 characters, and one shorter', (db) => db.prepare(`UPDATE events SET hash = CASE position WHEN 3 THEN hash || 'ab' ELSE substr(hash, 3) END WHERE position IN (3, 5)`).run()],
    ['a first event that names a previous one', (db) => db.prepare(`UPDATE events SET prev_hash = (SELECT hash FROM events WHERE position = 1) WHERE position = 4`).run()],
    ['an event moved after its successor', (db) => db.prepare('UPDATE events SET position = 100 WHERE position = 2').run()],
    ['a control character json_quote may write otherwise', (db) => db.prepare('UPDATE events SET event_id = event_id || char(1) WHERE position = 5').run()],
  ];
  for (const [what, edit] of edits) t.equal((await verdict(edit)).holds, false, what);
  // An event whose hash was recomputed by whoever edited it still breaks its successor's link.
  const recomputed = await verdict((db) => {
    const row = db.prepare('SELECT * FROM events WHERE position = 2').get() as Record<string, string | number>;
    const data = '{"i":9}';
    const hash = hashEvent({ streamId: String(row.stream_id), revision: BigInt(row.revision!), eventId: String(row.event_id), type: String(row.type), dataJson: data, metadataJson: String(row.metadata), recordedAt: String(row.recorded_at), prevHash: String(row.prev_hash) });
    db.prepare('UPDATE events SET data = ?, hash = ? WHERE position = 2').run(data, hash);
  });
  t.equal(recomputed.holds, false, 'an edited event with its hash recomputed');
  t.same((await verdict((db) => db.prepare(`UPDATE events SET data = '{"i":7}' WHERE position = 5`).run(), 1n, 4)).holds, true, 'an edit past the page is not its business');
});

t.test('a stream read as projections fold it: its events up to a position, without their metadata until asked', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const store = SqliteEventStore.open({ file: join(tmp.dir, 'events.db') });
  t.teardown(() => store.close());
  for (const [stream, revision] of [['person-a', 0], ['person-b', 0], ['person-a', 1], ['person-a', 2]] as const) {
    await store.append(stream, [ev(revision)]);
  }
  const read = async (through: bigint) => (await store.readStreamProjected('person-a', through)).map((e) => [e.position, e.streamId, e.type, e.data]);
  const whole = (await store.readStream('person-a')).map((e) => [e.position, e.streamId, e.type, e.data]);
  t.same(await read(100n), whole, 'the whole stream, as readStream reads it');
  t.same((await read(100n)).map((e) => e[0]), [1n, 3n, 4n]);
  t.same((await read(3n)).map((e) => e[0]), [1n, 3n], 'none past the position');
  t.same(await read(0n), []);
  t.same(await store.readStreamProjected('person-z', 100n), [], 'no such stream: none, not an error');
  const [first] = await store.readStreamProjected('person-a', 1n);
  t.same(first!.metadata, (await store.readStream('person-a'))[0]!.metadata, 'metadata read when asked');
});

t.test('a page of interleaved streams, whose events follow another stream\'s, is checked through the stream index', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const store = SqliteEventStore.open({ file });
  // Positions 1..5: a0, b0, a1, b1, a2; every link but b0's and a0's crosses the other stream.
  for (const [stream, revision] of [['person-a', 0], ['person-b', 0], ['person-a', 1], ['person-b', 1], ['person-a', 2]] as const) {
    await store.append(stream, [ev(revision)]);
  }
  t.same(await store.checkPageInPlace(1n, 100), { count: 5, last: 5n, holds: true }, 'every link holds');
  t.same(await store.checkPageInPlace(4n, 100), { count: 2, last: 5n, holds: true }, 'a page whose links reach before it');
  await store.close();
  const raw = new Database(file);
  // a1 edited with its hash recomputed: its own text holds, and a2, which follows b1, no longer links to it.
  const row = raw.prepare('SELECT * FROM events WHERE position = 3').get() as Record<string, string | number>;
  const data = '{"i":9}';
  const hash = hashEvent({ streamId: String(row.stream_id), revision: BigInt(row.revision!), eventId: String(row.event_id), type: String(row.type), dataJson: data, metadataJson: String(row.metadata), recordedAt: String(row.recorded_at), prevHash: String(row.prev_hash) });
  raw.prepare('UPDATE events SET data = ?, hash = ? WHERE position = 3').run(data, hash);
  raw.close();
  const reopened = SqliteEventStore.open({ file });
  t.teardown(() => reopened.close());
  t.same(await reopened.checkPageInPlace(1n, 4), { count: 4, last: 4n, holds: true }, 'the page before a2 holds');
  t.same(await reopened.checkPageInPlace(5n, 1), { count: 1, last: 5n, holds: false }, 'a2 alone: its link to a1 is broken');
  t.same(await reopened.checkPageInPlace(1n, 100), { count: 5, last: 5n, holds: false }, 'the whole store');
});

t.test('events are counted through a position, the same whether it is the head or not, a deleted one missing', async (t) => {
  const { file, store } = await twoStreams(t);
  t.same([await store.countEvents(2n), await store.countEvents(5n), await store.countEvents(9n)], [2, 5, 5]);
  await store.close();
  const raw = new Database(file);
  raw.prepare('DELETE FROM events WHERE position = 3').run();
  raw.close();
  const reopened = SqliteEventStore.open({ file });
  t.same([await reopened.countEvents(2n), await reopened.countEvents(3n), await reopened.countEvents(5n)], [2, 2, 4]);
  await reopened.close();
});
