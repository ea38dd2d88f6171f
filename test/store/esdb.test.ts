import t from 'tap';
import { randomUUID } from 'node:crypto';
import { StreamNotFound } from '../../src/store/errors.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { storeConformance } from './conformance.js';

/**
 * The store conformance suite through the real client against the wire-level double, and against
 * a real EventStoreDB/KurrentDB when EVENTSTORE_CONNECTION_STRING names one.
 */
for (const batchAppend of [false, true]) {
  t.test(`EventStoreDB adapter on the wire double, appending through ${batchAppend ? 'Streams.BatchAppend' : 'Streams.Append'}`, async (t) => {
    storeConformance(t, async () => {
      const double = await startWireDouble({ batchAppend });
      const store = EsdbEventStore.connect({ connectionString: double.connectionString });
      return {
        store,
        cleanup: async () => {
          await store.close();
          await double.stop();
        },
      };
    });
  });
}

const real = process.env.EVENTSTORE_CONNECTION_STRING;
t.test('EventStoreDB adapter on a real server', { skip: real ? false : 'EVENTSTORE_CONNECTION_STRING is not set' }, async (t) => {
  storeConformance(t, async () => {
    const store = EsdbEventStore.connect({ connectionString: real! });
    return { store, cleanup: () => store.close() };
  });
});

t.test('system events are filtered out and a tombstoned stream reads as not found', async (t) => {
  const double = await startWireDouble();
  const store = EsdbEventStore.connect({ connectionString: double.connectionString });
  t.teardown(async () => {
    await store.close();
    await double.stop();
  });
  await store.append('person-x', [{ eventId: randomUUID(), type: 'A', data: { a: 1 } }]);
  const all = [];
  for await (const e of store.readAll()) all.push(e.streamId);
  t.same(all, ['person-x'], 'the double holds $stats and $$ events; none comes through');
  t.ok((await store.headPosition()) > 0n);
  double.log.tombstone('person-x');
  await t.rejects(store.readStream('person-x'), StreamNotFound);
});

t.test('the client appends through BatchAppend when the server advertises it, through Append otherwise', async (t) => {
  for (const batchAppend of [false, true]) {
    const double = await startWireDouble({ batchAppend });
    const store = EsdbEventStore.connect({ connectionString: double.connectionString });
    await store.append('person-y', [{ eventId: randomUUID(), type: 'A', data: {} }], { expected: 'no_stream' });
    await t.rejects(store.append('person-y', [{ eventId: randomUUID(), type: 'A', data: {} }], { expected: 5n }), { name: 'WrongExpectedVersion' });
    await store.close();
    await double.stop();
    t.same([double.calls.batchAppend > 0, double.calls.append > 0], [batchAppend, !batchAppend], batchAppend ? 'BatchAppend' : 'Append');
  }
});

t.test('two clients racing on one stream: the server refuses one, the adapter retries, the chain holds', async (t) => {
  for (const batchAppend of [false, true]) {
    const double = await startWireDouble({ batchAppend });
    const a = EsdbEventStore.connect({ connectionString: double.connectionString });
    const b = EsdbEventStore.connect({ connectionString: double.connectionString });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append('person-race', [{ eventId: randomUUID(), type: 'A', data: { i } }])),
    );
    t.same(await a.verifyStream('person-race'), { ok: true, streams: 1, events: 20 }, batchAppend ? 'BatchAppend' : 'Append');
    await a.close();
    await b.close();
    await double.stop();
  }
});
