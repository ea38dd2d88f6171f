import t from 'tap';
import type { Test } from 'tap';
import { randomUUID } from 'node:crypto';
import {
  ANY,
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  START,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type { JSONEventData, Position } from '@eventstore/db-client';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import type { WireDouble, WireDoubleOptions } from '../support/esdb-wire-double/server.js';

/**
 * The wire double answers as a real server does. Each case states the server behaviour it copies
 * and where it comes from: EventStoreDB oss-v23.10.1 (`IndexWriter.CheckCommit`,
 * `Streams.Append`/`Streams.BatchAppend`, `Enumerators.AllSubscriptionFiltered`, `Event.SizeOnDisk`)
 * and its 24.10.4 / KurrentDB 25.0 successors where they differ. The official client talks to it.
 */

const paths = [false, true] as const;
const pathName = (batchAppend: boolean) => (batchAppend ? 'Streams.BatchAppend' : 'Streams.Append');

async function open(t: Test, options: WireDoubleOptions = {}, query = ''): Promise<{ double: WireDouble; client: EventStoreDBClient }> {
  const double = await startWireDouble(options);
  const client = EventStoreDBClient.connectionString`${double.connectionString + query}`;
  t.teardown(async () => {
    await client.dispose();
    await double.stop();
  });
  return { double, client };
}

const event = (data: Record<string, string | number> = {}, metadata: Record<string, string> = {}, type = 'Noted'): JSONEventData =>
  jsonEvent({ id: randomUUID(), type, data, metadata });

async function ids(client: EventStoreDBClient, stream: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of client.readStream(stream)) out.push(e.event!.id);
  return out;
}

/** The client's errors name themselves 'Error', so they are told apart by class. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}

async function wrongVersion(p: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const err = await failure(p);
  if (!(err instanceof WrongExpectedVersionError)) throw new Error(`expected WrongExpectedVersionError, got ${String(err)}`);
  return err;
}

for (const batchAppend of paths) {
  t.test(`idempotency is positional (oss-v23.10 IndexWriter.CheckCommit), through ${pathName(batchAppend)}`, async (t) => {
    const { client } = await open(t, { batchAppend });
    const s = `idem-${randomUUID()}`;
    const first = [event({ n: 0 }), event({ n: 1 })];
    const written = await client.appendToStream(s, first, { expectedRevision: NO_STREAM });
    t.equal(written.nextExpectedRevision, 1n);

    const again = await client.appendToStream(s, first, { expectedRevision: NO_STREAM });
    t.same([again.nextExpectedRevision, again.position], [1n, written.position], 'no_stream, ids at revision 0: recognised, the first result');
    const any = await client.appendToStream(s, first, { expectedRevision: ANY });
    t.same([any.nextExpectedRevision, any.position], [1n, written.position], 'any: ids found in the stream are recognised');
    t.same(await ids(client, s), first.map((e) => e.id), 'nothing written by the recognised retries');

    const third = [event({ n: 2 })];
    await client.appendToStream(s, third, { expectedRevision: 1n });
    const atOriginal = await client.appendToStream(s, third, { expectedRevision: 1n });
    t.equal(atOriginal.nextExpectedRevision, 2n, 'exact revision the original write was made at: recognised');

    const beyond = await wrongVersion(client.appendToStream(s, third, { expectedRevision: 7n }));
    t.same([beyond.expectedVersion, beyond.actualVersion], [7n, 2n], 'exact revision beyond the current one: WrongExpectedVersion');

    const partialAny = await wrongVersion(client.appendToStream(s, [first[0]!, event()], { expectedRevision: ANY }));
    t.equal(partialAny.actualVersion, 2n, 'any, ids that only partly match: WrongExpectedVersion');
    await wrongVersion(client.appendToStream(s, [first[0]!, event()], { expectedRevision: NO_STREAM }));
    t.pass('exact place, ids that only partly match: WrongExpectedVersion');
    t.equal((await ids(client, s)).length, 3, 'the refused appends wrote nothing');

    const atHead = await client.appendToStream(s, third, { expectedRevision: 2n });
    t.equal(atHead.nextExpectedRevision, 3n, 'exact revision equal to the current one: no id check at all');
    t.same(await ids(client, s), [...first, ...third, ...third].map((e) => e.id), 'the same event stands twice: what a naive retry does');
  });

  t.test(`WrongExpectedVersion carries the expected state, through ${pathName(batchAppend)}`, async (t) => {
    const { client } = await open(t, { batchAppend });
    const s = `wev-${randomUUID()}`;
    const missing = await wrongVersion(client.appendToStream(s, [event()], { expectedRevision: STREAM_EXISTS }));
    t.same([missing.expectedVersion, missing.actualVersion], ['stream_exists', 'no_stream'], 'stream_exists on a missing stream');
    await client.appendToStream(s, [event()], { expectedRevision: NO_STREAM });
    const exists = await wrongVersion(client.appendToStream(s, [event()], { expectedRevision: NO_STREAM }));
    t.same([exists.expectedVersion, exists.actualVersion], ['no_stream', 0n], 'no_stream on an existing stream');
    const stale = await wrongVersion(client.appendToStream(s, [event()], { expectedRevision: 3n }));
    t.same([stale.expectedVersion, stale.actualVersion], [3n, 0n], 'a revision');
    const [known] = await ids(client, s);
    const partial = await wrongVersion(client.appendToStream(s, [jsonEvent({ id: known!, type: 'Noted', data: {} }), event()], { expectedRevision: ANY }));
    t.same([partial.expectedVersion, partial.actualVersion], ['any', 0n], 'any (a batch that only partly matches)');
  });

  t.test(`the maximum append size is counted in bytes (Event.SizeOnDisk), through ${pathName(batchAppend)}`, async (t) => {
    // KurrentDB 25.0 (and EventStoreDB 24.10.4+): data + metadata + 2 × type length.
    const { double, client } = await open(t, { batchAppend, maxAppendSize: 1_000 });
    const s = `size-${randomUUID()}`;
    const sized = (bytes: number, metadata: Record<string, string> = {}) => {
      const meta = Buffer.byteLength(JSON.stringify(metadata));
      const frame = Buffer.byteLength(JSON.stringify({ t: '' })) + meta + 'Noted'.length * 2;
      const chinese = Math.floor((bytes - frame) / 3);
      return event({ t: '学'.repeat(chinese) + 'a'.repeat(bytes - frame - chinese * 3) }, metadata);
    };
    await client.appendToStream(s, [sized(1_000, { m: 'x' })]);
    t.equal((await ids(client, s)).length, 1, 'exactly at the limit: accepted');
    t.type(await failure(client.appendToStream(s, [sized(1_001, { m: 'x' })])), MaxAppendSizeExceededError, 'one byte over: refused');
    t.type(await failure(client.appendToStream(s, [sized(600), sized(401)])), MaxAppendSizeExceededError, 'the limit is per append, not per event');
    t.equal((await ids(client, s)).length, 1, 'a refused append writes nothing');
    t.equal(double.log.streams.get(s)?.events.length, 1);

    // oss-v23.10: `data?.Length ?? 0 + metadata?.Length ?? 0 + type.Length * 2` is the data length alone.
    const old = await open(t, { batchAppend, maxAppendSize: 1_000, serverVersion: '23.10.1' });
    const big = Buffer.byteLength(JSON.stringify({ t: '' }));
    await old.client.appendToStream(s, [event({ t: '学'.repeat(Math.floor((1_000 - big) / 3)) }, { m: 'x'.repeat(900) })]);
    t.type(await failure(old.client.appendToStream(s, [event({ t: '学'.repeat(Math.floor((1_000 - big) / 3) + 1) })])), MaxAppendSizeExceededError);
    t.equal((await ids(old.client, s)).length, 1, '23.10 counts the data only: large metadata passes, one more character does not');
  });
}

t.test('BatchAppend deadlines end in Timeout, which the client raises as DeadlineExceeded (Streams.BatchAppend)', async (t) => {
  const { double, client } = await open(t, { batchAppend: true });
  const s = `deadline-${randomUUID()}`;
  double.faults.delayCommits(300);
  t.type(await failure(client.appendToStream(s, [event()], { deadline: 100 })), DeadlineExceededError, 'the commit came after the deadline');
  t.equal(double.log.streams.get(s), undefined, 'not yet written when the answer came');
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await ids(client, s)).length, 1, 'the write itself still went ahead: a timeout does not mean it failed');
  t.type(await failure(client.appendToStream(s, [event()], { deadline: 0 })), DeadlineExceededError, 'a deadline already past is answered at once');
  const slow = await open(t, { batchAppend: true, writeTimeoutMs: 50 });
  slow.double.faults.delayCommits(150);
  t.type(await failure(slow.client.appendToStream(s, [event()], { deadline: 10_000 })), DeadlineExceededError, "the server's write timeout caps a longer deadline");
});

t.test('Streams.Append: a commit slower than the call deadline ends in DeadlineExceeded', async (t) => {
  const { double, client } = await open(t);
  const s = `deadline-${randomUUID()}`;
  double.faults.delayCommits(300);
  t.type(await failure(client.appendToStream(s, [event()], { deadline: 100 })), DeadlineExceededError);
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await ids(client, s)).length, 1, 'written after all');
});

t.test('delete and tombstone honour the expected state (Streams.Delete / Streams.Tombstone)', async (t) => {
  const { client } = await open(t);
  const s = `del-${randomUUID()}`;
  await client.appendToStream(s, [event()]);
  const noStream = await wrongVersion(client.deleteStream(s, { expectedRevision: NO_STREAM }));
  t.same([noStream.expectedVersion, noStream.actualVersion], [-1n, 0n], 'delete, no_stream on an existing stream');
  await wrongVersion(client.tombstoneStream(s, { expectedRevision: NO_STREAM }));
  t.pass('tombstone, no_stream on an existing stream');
  await wrongVersion(client.deleteStream(s, { expectedRevision: 4n }));
  t.equal((await ids(client, s)).length, 1, 'the refused deletions deleted nothing');
  await client.deleteStream(`del-missing-${randomUUID()}`, { expectedRevision: NO_STREAM });
  t.pass('no_stream on a missing stream is fine');
  await client.deleteStream(s, { expectedRevision: 0n });
  t.match(await failure(ids(client, s)), { type: 'stream-not-found' }, 'the right revision deletes');
});

t.test('filtered $all subscriptions send checkpoints, also while every event is filtered out (Enumerators.AllSubscriptionFiltered)', async (t) => {
  const { double, client } = await open(t);
  for (let i = 0; i < 98; i++) double.log.system(`$stats-${i}`, randomUUID(), '$statsCollected', '{}');
  const all = double.log.all;
  t.equal(all.length, 100, 'a hundred system events, all filtered out');
  const checkpoints: bigint[] = [];
  let reached: ((n: number) => void) | undefined;
  const sub = client.subscribeToAll({
    fromPosition: START,
    filter: excludeSystemEvents({
      maxSearchWindow: 10,
      checkpointInterval: 2,
      checkpointReached: (_s: unknown, position: Position) => {
        checkpoints.push(position.commit);
        reached?.(checkpoints.length);
      },
    }),
  });
  const seen: string[] = [];
  sub.on('data', (e) => seen.push(e.event!.streamId));
  await new Promise<void>((resolve) => sub.once('caughtUp', () => resolve()));
  // History in pages of 10, a checkpoint every 2 × 10 considered: after pages 2, 4, 6, 8 at each
  // page's first event (nothing delivered); page 10 reaches the end and goes live without one.
  t.same(checkpoints, [10, 30, 50, 70].map((i) => all[i]!.position), 'history: every 20 events considered');
  const live = new Promise<void>((resolve) => (reached = (n) => n === 6 && resolve()));
  await client.appendToStream(`person-${randomUUID()}`, [event()]);
  for (let i = 0; i < 19; i++) double.log.system(`$stats-live-${i}`, randomUUID(), '$statsCollected', '{}');
  await live;
  // The count of the last page (20) goes live with the subscription: the first live event is due,
  // then every 20th.
  t.same(checkpoints.slice(4), [all[100]!.position, all[119]!.position], 'live: the count goes on across events');
  t.same(seen.length, 1, 'only the ledger event was delivered');
  await sub.unsubscribe();
});
