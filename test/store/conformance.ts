import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { AppendTooLarge, DuplicateEventConflict, InvalidAppend, StreamNotFound, WrongExpectedVersion } from '../../src/store/errors.js';
import { GENESIS_HASH } from '../../src/store/integrity.js';
import { MAX_APPEND_BYTES } from '../../src/store/validate.js';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/store/port.js';

export interface StoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
}

/**
 * The store port's semantics, run unchanged against every adapter (memory, SQLite, EventStoreDB on
 * the wire double and on a real server). Every case uses its own streams and looks at `$all` only
 * through them, so the suite also runs against a shared server; positions are compared, never
 * assumed.
 */
export function storeConformance(t: Test, open: () => Promise<StoreUnderTest>): void {
  const uid = () => randomUUID().slice(0, 8);
  const ev = (type = 'Happened', data: Record<string, unknown> = {}, metadata?: Record<string, unknown>): NewEvent => ({
    eventId: randomUUID(),
    type,
    data: data as NewEvent['data'],
    ...(metadata ? { metadata: metadata as NewEvent['metadata'] } : {}),
  });

  async function withStore(fn: (store: EventStore) => Promise<void>): Promise<void> {
    const { store, cleanup } = await open();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  }

  async function allOf(store: EventStore, streams: Set<string>, fromPosition?: bigint): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of store.readAll(fromPosition === undefined ? {} : { fromPosition })) if (streams.has(e.streamId)) out.push(e);
    return out;
  }

  t.test('append and read back: revisions, positions, integrity fields', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const events = [ev('A', { n: 1, nested: { b: [1, 2], a: 'x' } }, { actor: { role: 'bureau', id: 'b1' } }), ev('B', { n: 2 })];
      const r = await store.append(s, events, { expected: 'no_stream' });
      t.equal(r.nextRevision, 1n, 'nextRevision is the last revision');
      t.equal(typeof r.position, 'bigint', 'positions are bigint');
      const read = await store.readStream(s);
      t.same(
        read.map((e) => [e.eventId, e.type, e.revision, e.streamId]),
        events.map((e, i) => [e.eventId, e.type, BigInt(i), s]),
      );
      t.same(read[0]!.data, { n: 1, nested: { b: [1, 2], a: 'x' } }, 'data round-trips');
      t.same(read[0]!.metadata, { actor: { role: 'bureau', id: 'b1' } }, 'metadata round-trips without integrity fields');
      t.equal(read[0]!.prevHash, GENESIS_HASH, 'revision 0 links to the genesis hash');
      t.equal(read[1]!.prevHash, read[0]!.hash, 'each event links to the previous hash');
      t.match(read[1]!.hash, /^[0-9a-f]{64}$/);
      t.ok(read[0]!.position < read[1]!.position, 'positions increase');
      t.equal(read[1]!.position, r.position, 'append returns the position of the last event');
      t.ok(!Number.isNaN(Date.parse(read[0]!.recordedAt)), 'recordedAt is an instant');
    }),
  );

  t.test('expected revision: every mode, success and WrongExpectedVersion with the actual revision', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await t.rejects(store.append(s, [ev()], { expected: 'stream_exists' }), WrongExpectedVersion, 'stream_exists on a new stream');
      await t.rejects(store.append(s, [ev()], { expected: 0n }), WrongExpectedVersion, 'exact revision on a new stream');
      await store.append(s, [ev()], { expected: 'no_stream' });
      const err = await store.append(s, [ev()], { expected: 'no_stream' }).catch((e: unknown) => e);
      t.type(err, WrongExpectedVersion);
      t.equal((err as WrongExpectedVersion).actual, 0n, 'actual revision reported');
      t.equal((await store.append(s, [ev()], { expected: 0n })).nextRevision, 1n);
      const stale = await store.append(s, [ev()], { expected: 0n }).catch((e: unknown) => e);
      t.type(stale, WrongExpectedVersion, 'a stale exact revision fails');
      t.equal((stale as WrongExpectedVersion).actual, 1n);
      t.equal((await store.append(s, [ev()], { expected: 'stream_exists' })).nextRevision, 2n);
      t.equal((await store.append(s, [ev()], { expected: 'any' })).nextRevision, 3n);
      t.equal((await store.append(s, [ev()])).nextRevision, 4n, 'any is the default');
      t.equal((await store.readStream(s)).length, 5, 'failed appends wrote nothing');
    }),
  );

  t.test('a multi-event append is atomic', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev()], { expected: 'no_stream' });
      await t.rejects(store.append(s, [ev(), ev(), ev()], { expected: 5n }), WrongExpectedVersion);
      const bad = [ev(), ev(), { ...ev(), type: '' }];
      await t.rejects(store.append(s, bad), InvalidAppend);
      t.equal((await store.readStream(s)).length, 1, 'none of the rejected events is visible');
    }),
  );

  t.test('idempotent retries', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const batch = [ev('A', { x: 1 }), ev('B', { y: 2 })];
      const first = await store.append(s, batch, { expected: 'no_stream' });
      const again = await store.append(s, batch, { expected: 'no_stream' });
      t.same(again, first, 'same ids at the same place: the first result, nothing written');
      t.same(await store.append(s, batch, { expected: 'any' }), first, 'also with any');
      t.equal((await store.readStream(s)).length, 2);
      await t.rejects(
        store.append(s, [{ ...batch[0]!, data: { x: 999 } }, batch[1]!], { expected: 'no_stream' }),
        DuplicateEventConflict,
        'same id with different content',
      );
      await t.rejects(store.append(s, [batch[1]!, ev()], { expected: 'any' }), DuplicateEventConflict, 'partial overlap');
      t.equal((await store.readStream(s)).length, 2, 'nothing written by the conflicting retries');
    }),
  );

  t.test('a retry expecting the head its own first attempt made is refused, not written twice', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const batch = [ev('A'), ev('B')];
      const first = await store.append(s, batch, { expected: 'no_stream' });
      // On EventStoreDB an exact expected revision equal to the head is written without an id check.
      await t.rejects(store.append(s, batch, { expected: first.nextRevision }), WrongExpectedVersion);
      await store.append(s, [ev('C')]);
      t.same(await store.append(s, batch, { expected: 'no_stream' }), first, 'at the place it went, still recognised after a later write');
      t.equal((await store.readStream(s)).length, 3, 'each event once');
    }),
  );

  t.test('readStream forwards and backwards with fromRevision and maxCount', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, Array.from({ length: 10 }, (_, i) => ev('N', { i })));
      const revs = (es: RecordedEvent[]) => es.map((e) => Number(e.revision));
      t.same(revs(await store.readStream(s)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      t.same(revs(await store.readStream(s, { fromRevision: 3n, maxCount: 4 })), [3, 4, 5, 6]);
      t.same(revs(await store.readStream(s, { direction: 'backwards', maxCount: 3 })), [9, 8, 7]);
      t.same(revs(await store.readStream(s, { direction: 'backwards', fromRevision: 4n, maxCount: 2 })), [4, 3]);
      t.same(revs(await store.readStream(s, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })), [9]);
      t.same(revs(await store.readStream(s, { fromRevision: 8n, maxCount: 100 })), [8, 9]);
      t.same(revs(await store.readStream(s, { fromRevision: 20n })), [], 'past the end: empty');
      await t.rejects(store.readStream(`conf-missing-${uid()}`), StreamNotFound);
    }),
  );

  t.test('readAll is inclusive from a position, in commit order, and pages', (t) =>
    withStore(async (store) => {
      const a = `conf-a-${uid()}`;
      const b = `conf-b-${uid()}`;
      const mine = new Set([a, b]);
      await store.append(a, [ev(), ev()]);
      await store.append(b, [ev()]);
      await store.append(a, [ev()]);
      const all = await allOf(store, mine);
      t.same(all.map((e) => `${e.streamId === a ? 'a' : 'b'}${e.revision}`), ['a0', 'a1', 'b0', 'a2']);
      for (let i = 1; i < all.length; i++) t.ok(all[i - 1]!.position < all[i]!.position, 'strictly increasing');
      const from = await allOf(store, mine, all[2]!.position);
      t.same(from.map((e) => e.eventId), [all[2]!.eventId, all[3]!.eventId], 'fromPosition is inclusive');
      const page: RecordedEvent[] = [];
      for await (const e of store.readAll({ fromPosition: all[0]!.position, maxCount: 2 })) page.push(e);
      t.equal(page.length, 2, 'maxCount bounds a read');
      t.equal(page[0]!.eventId, all[0]!.eventId);
      t.ok((await store.headPosition()) >= all[3]!.position, 'headPosition is at least the last append');
    }),
  );

  t.test('readPage gives what a projection folds, as readAll has it, inclusive and bounded', (t) =>
    withStore(async (store) => {
      const a = `conf-p-${uid()}`;
      await store.append(a, [ev('First', { n: 1 }, { schemaVersion: 2, actor: { role: 'system', id: 'x' } }), ev('Second', { n: 2 })]);
      await store.append(a, [ev('Third', { n: 3, nested: { k: ['v'] } })]);
      const all = await allOf(store, new Set([a]));
      const page = await store.readPage(all[0]!.position, 3);
      const mine = page.filter((e) => e.streamId === a);
      t.same(
        mine.map((e) => ({ streamId: e.streamId, position: e.position, type: e.type, data: e.data, metadata: e.metadata })),
        all.map((e) => ({ streamId: e.streamId, position: e.position, type: e.type, data: e.data, metadata: e.metadata })),
        'stream, position, type, data and metadata as readAll reads them',
      );
      t.equal(page[0]!.position, all[0]!.position, 'fromPosition is inclusive');
      t.ok(page.length <= 3, 'maxCount bounds a page');
      const head = await store.headPosition();
      t.same(await store.readPage(head + 1n, 10), [], 'nothing past the end');
    }),
  );

  t.test('racing appenders with one exact expected revision: exactly one wins per revision', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev()], { expected: 'no_stream' });
      for (let round = 0n; round < 5n; round++) {
        const results = await Promise.allSettled(Array.from({ length: 16 }, () => store.append(s, [ev()], { expected: round })));
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        t.equal(won.length, 1, `one winner at revision ${round}`);
        t.ok(lost.every((r) => (r as PromiseRejectedResult).reason instanceof WrongExpectedVersion), 'the others get WrongExpectedVersion');
      }
      t.equal((await store.readStream(s)).length, 6);
    }),
  );

  t.test('many concurrent appends with any: all land, revisions without gaps, chain intact', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const n = 64;
      const results = await Promise.all(Array.from({ length: n }, (_, i) => store.append(s, [ev('N', { i })])));
      const revisions = results.map((r) => r.nextRevision).sort((x, y) => (x < y ? -1 : 1));
      t.same(revisions, Array.from({ length: n }, (_, i) => BigInt(i)));
      const verdict = await store.verifyStream(s);
      t.same(verdict, { ok: true, streams: 1, events: n });
    }),
  );

  t.test('a catch-up subscription started mid-append sees every event once, in order', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const before = await store.headPosition();
      const total = 120;
      let written = 0;
      const writer = (async () => {
        for (let i = 0; i < total / 4; i++) {
          await store.append(s, [ev('N', { i: written++ }), ev('N', { i: written++ }), ev('N', { i: written++ }), ev('N', { i: written++ })]);
        }
      })();
      await new Promise((r) => setTimeout(r, 5));
      const sub = store.subscribeAll(before >= 0n ? { fromPosition: before } : {});
      const seen: RecordedEvent[] = [];
      for await (const e of sub) {
        if (e.streamId !== s) continue;
        seen.push(e);
        if (seen.length === total) break;
      }
      await writer;
      await sub.caughtUp;
      await sub.close();
      t.same(
        seen.map((e) => Number(e.revision)),
        Array.from({ length: total }, (_, i) => i),
        'no gap, no repeat',
      );
      t.same(
        seen.map((e) => e.data.i),
        Array.from({ length: total }, (_, i) => i),
      );
    }),
  );

  t.test('subscribeAll is exclusive of fromPosition, turns live, and closes', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev('A'), ev('B')]);
      const [a] = await store.readStream(s);
      const sub = store.subscribeAll({ fromPosition: a!.position });
      const seen: string[] = [];
      const reading = (async () => {
        for await (const e of sub) {
          if (e.streamId === s) seen.push(e.type);
          if (seen.length === 2) return;
        }
      })();
      await sub.caughtUp;
      await store.append(s, [ev('C')]);
      await reading;
      t.same(seen, ['B', 'C'], 'history after the position, then a live event');
      await sub.close();
      const after: RecordedEvent[] = [];
      for await (const e of sub) after.push(e);
      t.same(after, [], 'a closed subscription yields nothing more');
    }),
  );

  t.test('a subscription closed while waiting for live events ends its loop', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev()]);
      const head = await store.headPosition();
      const sub = store.subscribeAll({ fromPosition: head });
      const loop = (async () => {
        let n = 0;
        for await (const _ of sub) n++;
        return n;
      })();
      await sub.caughtUp;
      await sub.close();
      t.equal(await loop, 0);
    }),
  );

  t.test('verifyStream and verifyAll on intact data', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev(), ev(), ev()]);
      t.same(await store.verifyStream(s), { ok: true, streams: 1, events: 3 });
      const all = await store.verifyAll();
      t.equal(all.ok, true);
      t.ok(all.events >= 3);
      await t.rejects(store.verifyStream(`conf-missing-${uid()}`), StreamNotFound);
    }),
  );

  t.test('invalid input is refused and writes nothing', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      await store.append(s, [ev()]);
      const cases: [string, () => Promise<unknown>][] = [
        ['empty append', () => store.append(s, [])],
        ['bad stream id', () => store.append('$system', [ev()])],
        ['empty stream id', () => store.append('', [ev()])],
        ['event id not a UUID', () => store.append(s, [{ ...ev(), eventId: 'nope' }])],
        ['repeated event id in one append', () => {
          const e = ev();
          return store.append(s, [e, e]);
        }],
        ['bad type', () => store.append(s, [{ ...ev(), type: 'has space' }])],
        ['data not an object', () => store.append(s, [{ ...ev(), data: [] as never }])],
        ['oversized append', () => store.append(s, [ev('Big', { blob: 'x'.repeat(MAX_APPEND_BYTES) })])],
        ['negative expected revision', () => store.append(s, [ev()], { expected: -1n })],
      ];
      // By class: tap's rejects also compares names, and AppendTooLarge is a kind of InvalidAppend.
      for (const [name, call] of cases) t.type(await call().then(() => undefined, (e: unknown) => e), InvalidAppend, name);
      t.equal((await store.readStream(s)).length, 1, 'nothing written');
    }),
  );

  t.test('the append size limit counts UTF-8 bytes, as EventStoreDB does: Chinese text is 3 bytes a character', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const over = '学'.repeat(Math.ceil(MAX_APPEND_BYTES / 3) + 1);
      t.ok(over.length < MAX_APPEND_BYTES / 2, 'under the limit in UTF-16 units');
      await t.rejects(store.append(s, [ev('Noted', { text: over })]), AppendTooLarge, 'over it in bytes');
      await t.rejects(store.readStream(s), StreamNotFound, 'nothing written');
      // A margin under the limit for the keys, the type and what an adapter adds to the metadata.
      const under = '学'.repeat(Math.floor((MAX_APPEND_BYTES - 1_024) / 3));
      await store.append(s, [ev('Noted', { text: under })]);
      t.equal((await store.readStream(s))[0]!.data.text, under, 'just under it: stored whole');
    }),
  );

  t.test('positions beyond 2^53 are not an issue: bigint throughout', (t) =>
    withStore(async (store) => {
      const s = `conf-${uid()}`;
      const r = await store.append(s, [ev()]);
      t.equal(typeof r.position, 'bigint');
      t.equal(typeof r.nextRevision, 'bigint');
      const [e] = await store.readStream(s);
      t.equal(typeof e!.position, 'bigint');
      t.equal(typeof e!.revision, 'bigint');
      t.equal(typeof (await store.headPosition()), 'bigint');
    }),
  );
}
