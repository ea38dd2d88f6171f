import fc from 'fast-check';
import t from 'tap';
import type { Principal } from '../../src/security/principal.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import type { EventStore } from '../../src/store/port.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { FIXED_NOW, principals } from '../support/app.js';
import { FeedReader } from '../support/feed-client.js';
import { feedPrincipals, feedWorld, fileCourses, seedTwoCities } from './world.js';

const CONSUMERS: { name: string; principal: Principal; query: string }[] = [
  { name: 'auditor, everything', principal: principals.auditor, query: '' },
  { name: 'Suzhou reporting', principal: feedPrincipals.szReporting, query: '' },
  { name: 'Fuzhou reporting, completions and courses', principal: feedPrincipals.fzReporting, query: 'types=CompletionRecorded,CourseFiled' },
];

const STORES: { name: string; runs: number; open: () => Promise<{ store?: EventStore; stop: () => Promise<void> }> }[] = [
  { name: 'SQLite', runs: 24, open: async () => ({ stop: async () => undefined }) },
  {
    name: 'EventStoreDB (wire double)',
    runs: 10,
    open: async () => {
      const double = await startWireDouble();
      return { store: EsdbEventStore.connect({ connectionString: double.connectionString, clock: () => FIXED_NOW }), stop: () => double.stop() };
    },
  },
];

for (const kind of STORES) {
  t.test(`${kind.name}: resume after a disconnect at any point: no gap, no repeat (SSE with Last-Event-ID, NDJSON with after=)`, async (t) => {
    const { store, stop } = await kind.open();
    const w = await feedWorld(store ? { store } : {});
    t.teardown(async () => {
      await w.close();
      await stop();
    });
    await seedTwoCities(w.app);
    await fileCourses(w.app, 'sz', 1, 6);
    await fileCourses(w.app, 'fz', 1, 6);
    let filed = 7;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CONSUMERS),
        fc.constantFrom('sse' as const, 'ndjson' as const),
        fc.nat(),
        fc.integer({ min: 0, max: 2 }),
        async (consumer, format, cutAt, appendedMeanwhile) => {
          runs++;
          const token = w.token(consumer.principal);
          const query = [consumer.query, `format=${format}`].filter(Boolean).join('&');
          // What this consumer has before the disconnect: a prefix of its feed, of random length.
          const whole = await FeedReader.open(w.base, token, query);
          const known = await whole.items(1);
          const before = [...known, ...(await whole.itemsWithin(60))];
          whole.close();
          const cut = cutAt % (before.length + 1);
          const first = await FeedReader.open(w.base, token, query);
          const got = cut > 0 ? await first.items(cut) : [];
          first.close();
          // Meanwhile the ledger moves on: resuming goes from history into live.
          for (let i = 0; i < appendedMeanwhile; i++) await fileCourses(w.app, i % 2 ? 'fz' : 'sz', filed++, 1);
          const last = got[got.length - 1]?.position;
          const resumed =
            last === undefined
              ? await FeedReader.open(w.base, token, query)
              : format === 'sse'
                ? await FeedReader.open(w.base, token, query, { 'last-event-id': last })
                : await FeedReader.open(w.base, token, `${query}&after=${last}`);
          // The reference: the whole feed read in one go, after the appends.
          const all = await FeedReader.open(w.base, token, query);
          const full = [...(await all.items(1)), ...(await all.itemsWithin(80))];
          all.close();
          const rest = full.length > cut ? await resumed.items(full.length - cut) : [];
          const extra = await resumed.itemsWithin(30);
          resumed.close();
          const seen = [...got, ...rest].map((i) => i.position);
          if (JSON.stringify(seen) !== JSON.stringify(full.map((i) => i.position)) || extra.length > 0) {
            throw new Error(`${consumer.name} ${format} cut ${cut}: got ${seen.join(',')} + ${extra.map((i) => i.position).join(',')}, wanted ${full.map((i) => i.position).join(',')}`);
          }
          if (consumer.principal === principals.auditor) {
            const stored = (await w.all()).map((e) => String(e.position));
            if (JSON.stringify(seen) !== JSON.stringify(stored)) throw new Error('the auditor did not get the store, exactly');
          }
        },
      ),
      { numRuns: kind.runs, seed: 1818 },
    );
    t.equal(runs, kind.runs);
  });
}
