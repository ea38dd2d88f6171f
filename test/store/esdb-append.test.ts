import t from 'tap';
import type { Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { DeadlineExceededError } from '@eventstore/db-client';
import { AppendTooLarge, InvalidAppend, StreamNotFound } from '../../src/store/errors.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import { GENESIS_HASH } from '../../src/store/integrity.js';
import { MAX_APPEND_BYTES } from '../../src/store/validate.js';
import type { NewEvent } from '../../src/store/port.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import type { WireDouble, WireDoubleOptions } from '../support/esdb-wire-double/server.js';

/**
 * The adapter's appends on the strict wire double, where a real server's rules bite: answers that
 * never come, and the maximum append size in bytes.
 */

const paths = [false, true] as const;
const pathName = (batchAppend: boolean) => (batchAppend ? 'Streams.BatchAppend' : 'Streams.Append');
const DEADLINE_MS = 200;
const RECORDED_AT = new Date('2024-03-01T08:00:00.000Z');

async function open(t: Test, options: WireDoubleOptions): Promise<{ double: WireDouble; store: EsdbEventStore }> {
  const double = await startWireDouble(options);
  const store = EsdbEventStore.connect({ connectionString: `${double.connectionString}&defaultDeadline=${DEADLINE_MS}`, clock: () => RECORDED_AT });
  t.teardown(async () => {
    await store.close();
    await double.stop();
  });
  return { double, store };
}

const ev = (data: NewEvent['data'] = {}): NewEvent => ({ eventId: randomUUID(), type: 'Noted', data });
const idsOf = async (store: EsdbEventStore, s: string) => (await store.readStream(s)).map((e) => e.eventId);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const batchAppend of paths) {
  t.test(`an append committed whose answer was lost is retried and stands once, through ${pathName(batchAppend)}`, async (t) => {
    const { double, store } = await open(t, { batchAppend });
    const s = `person-${randomUUID()}`;
    const a = ev({ n: 0 });
    await store.append(s, [a], { expected: 'no_stream' });

    const [b, c] = [ev({ n: 1 }), ev({ n: 2 })];
    double.faults.loseAnswers(1);
    const r = await store.append(s, [b, c], { expected: 0n });
    t.same(await idsOf(store, s), [a.eventId, b.eventId, c.eventId], 'committed once: the retry found it in place and wrote nothing');
    const stored = await store.readStream(s);
    t.same([r.nextRevision, r.position], [2n, stored[2]!.position], 'the answer is the first write’s');
    t.same(await store.verifyStream(s), { ok: true, streams: 1, events: 3 });

    const fresh = `person-${randomUUID()}`;
    const d = ev();
    double.faults.loseAnswers(1);
    t.equal((await store.append(fresh, [d], { expected: 'no_stream' })).nextRevision, 0n, 'also on a new stream');
    t.same(await idsOf(store, fresh), [d.eventId]);
  });

  t.test(`an append whose commit outlives its deadline: the resend and the late original make one write, through ${pathName(batchAppend)}`, async (t) => {
    const { double, store } = await open(t, { batchAppend });
    const s = `person-${randomUUID()}`;
    const a = ev({ n: 0 });
    await store.append(s, [a]);

    const b = ev({ n: 1 });
    double.faults.delayCommits(DEADLINE_MS * 2);
    const r = await store.append(s, [b]);
    t.equal(r.nextRevision, 1n, 'the resend, made for the same head, committed');
    await sleep(DEADLINE_MS * 2);
    t.same(await idsOf(store, s), [a.eventId, b.eventId], 'the late original was recognised by position: the event stands once');
    t.same(await store.verifyStream(s), { ok: true, streams: 1, events: 2 }, 'both copies carried the same hashes');

    // Three tries, each committed only after all three have given up: the caller hears of a
    // failure, the three copies land later, and the server keeps one.
    const c = ev({ n: 2 });
    double.faults.delayCommits(DEADLINE_MS * 4, 3);
    const started = Date.now();
    const failed = await store.append(s, [c]).then(() => undefined, (e: unknown) => e);
    t.type(failed, DeadlineExceededError, 'a server that never answers in time: the append fails after three tries');
    t.ok(Date.now() - started < DEADLINE_MS * 4, 'before any copy was committed');
    await sleep(DEADLINE_MS * 4 + (Date.now() - started));
    t.same(await idsOf(store, s), [a.eventId, b.eventId, c.eventId], 'and the copies landed once');
    t.same(await store.append(s, [c]), { nextRevision: 2n, position: (await store.readStream(s))[2]!.position }, "the caller's own retry is recognised");
  });

  t.test(`Chinese text at the byte limit is appended; just over it is refused with AppendTooLarge before anything is sent, through ${pathName(batchAppend)}`, async (t) => {
    const { double, store } = await open(t, { batchAppend });
    const s = `person-${randomUUID()}`;
    // What the server counts for one event of this adapter: data, metadata with the integrity
    // fields, and twice the type (KurrentDB 25.0 / EventStoreDB 24.10.4+ `Event.SizeOnDisk`).
    const integrity = Buffer.byteLength(JSON.stringify({ $celedger: { prevHash: GENESIS_HASH, hash: GENESIS_HASH, recordedAt: RECORDED_AT.toISOString() } }));
    const frame = Buffer.byteLength(JSON.stringify({ text: '' })) + integrity + 'Noted'.length * 2;
    const chars = Math.floor((MAX_APPEND_BYTES - frame) / 3);
    const atLimit = '学'.repeat(chars) + 'a'.repeat(MAX_APPEND_BYTES - frame - chars * 3);
    const over = '学'.repeat(chars + 1);
    t.ok(over.length < MAX_APPEND_BYTES / 2, 'in UTF-16 units the text is far under the limit; in bytes it is over');

    const sent = () => [double.received.appends, double.log.all.length];
    const before = sent();
    const err = await store.append(s, [{ ...ev(), data: { text: over } }]).catch((e: unknown) => e);
    t.type(err, AppendTooLarge);
    t.type(err, InvalidAppend, 'a kind of InvalidAppend: 400 INVALID_APPEND at the HTTP edge');
    t.same([(err as AppendTooLarge).bytes, (err as AppendTooLarge).limit], [frame + (chars + 1) * 3, MAX_APPEND_BYTES], 'counted as the server counts');
    t.same(sent(), before, 'nothing was sent, nothing written');
    await t.rejects(store.readStream(s), StreamNotFound);

    const r = await store.append(s, [{ ...ev(), data: { text: atLimit } }], { expected: 'no_stream' });
    t.equal(r.nextRevision, 0n, 'exactly at the limit: accepted by the server, which counts the same bytes');
    t.equal((await store.readStream(s))[0]!.data.text, atLimit);
  });

  t.test(`a server with a smaller MaxAppendSize: its refusal arrives as AppendTooLarge, through ${pathName(batchAppend)}`, async (t) => {
    const { double, store } = await open(t, { batchAppend, maxAppendSize: 4_096 });
    const s = `person-${randomUUID()}`;
    const err = await store.append(s, [{ ...ev(), data: { text: '学'.repeat(2_000) } }]).catch((e: unknown) => e);
    t.type(err, AppendTooLarge);
    t.equal((err as AppendTooLarge).limit, 4_096, "the server's own limit");
    t.equal(double.log.streams.get(s), undefined, 'nothing written');
  });
}
