import t from 'tap';
import type { Test } from 'tap';
import { ScopeIndex, jurisdictionsOf } from '../../src/feed/scope.js';
import type { ScopedEvent } from '../../src/feed/scope.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import type { EventStore } from '../../src/store/port.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { FIXED_NOW } from '../support/app.js';
import type { FeedItem } from '../../src/feed/entry.js';
import { FeedReader } from '../support/feed-client.js';
import { feedPrincipals, feedWorld, fileCourses, seedBeforeTransfer, transferAndAfter } from './world.js';

type Item = FeedItem;
const streamsOf = (items: Item[]) => [...new Set(items.map((i) => i.stream))].sort();
const typesIn = (items: Item[], stream: string) => items.filter((i) => i.stream === stream).map((i) => i.type);

/** What the Suzhou and the Fuzhou reporting consumers must see of the two-city world, however they read it. */
function checkScopes(t: Test, sz: Item[], fz: Item[]) {
  t.same(streamsOf(sz), ['course-c-sz', 'institution-inst-sz', 'person-p-move', 'person-p-sz'], 'Suzhou: its base, course and persons');
  t.same(streamsOf(fz), ['course-c-fz', 'institution-inst-fz', 'person-p-fz', 'person-p-move'], 'Fuzhou: its base, course and persons');
  t.notOk(
    sz.some((i) => i.stream === 'person-p-fz' || JSON.stringify(i.data).includes('p-fz')),
    "a Suzhou reporting token never receives a Fuzhou person's events",
  );
  t.same(typesIn(sz, 'person-p-move'), ['PersonRegistered', 'CompletionRecorded', 'PersonTransferred'], "Suzhou has p-move's events up to the transfer away, the transfer included");
  t.same(typesIn(fz, 'person-p-move'), ['PersonTransferred', 'CompletionRecorded'], 'Fuzhou has p-move from the transfer in, nothing from before');
  t.same(
    fz.filter((i) => i.stream === 'person-p-move' && i.type === 'CompletionRecorded').map((i) => i.data.courseId),
    ['c-fz'],
  );
  t.notOk([...sz, ...fz].some((i) => i.stream.startsWith('idnumber-')), 'ID-number reservations name no jurisdiction: scoped consumers do not get them');
}

function suite(t: Test, name: string, open: () => Promise<{ store?: EventStore; stop: () => Promise<void> }>) {
  t.test(`${name}: live and catch-up consumers get the same scoped events; scope decided from what came before`, async (t) => {
    const { store, stop } = await open();
    const w = await feedWorld(store ? { store } : {});
    t.teardown(async () => {
      await w.close();
      await stop();
    });
    await seedBeforeTransfer(w.app);
    const liveSz = await FeedReader.open(w.base, w.token(feedPrincipals.szReporting));
    const liveFz = await FeedReader.open(w.base, w.token(feedPrincipals.fzReporting));
    t.teardown(() => liveSz.close());
    t.teardown(() => liveFz.close());
    // Up to the transfer: Suzhou has its base (1), course (2), p-sz (2), p-move (2); Fuzhou its base (1), course (3: filed, published for notice, approved), p-fz (2).
    const szBefore = await liveSz.items(7);
    const fzBefore = await liveFz.items(6);
    await transferAndAfter(w.app);
    await fileCourses(w.app, 'sz', 1, 1);
    await fileCourses(w.app, 'fz', 1, 1);
    const sz = [...szBefore, ...(await liveSz.items(2))];
    const fz = [...fzBefore, ...(await liveFz.items(3))];
    t.same(await liveSz.itemsWithin(150), [], 'Suzhou: nothing more');
    t.same(await liveFz.itemsWithin(50), [], 'Fuzhou: nothing more');
    t.same(sz.slice(-1).map((i) => i.data.courseId), ['c-sz-1'], 'live: the new Suzhou course, not the Fuzhou one');
    checkScopes(t, sz.filter((i) => !String(i.data.courseId).startsWith('c-sz-')), fz.filter((i) => !String(i.data.courseId).startsWith('c-fz-')));

    const all = await w.all();
    const catchUpSz = await FeedReader.open(w.base, w.token(feedPrincipals.szReporting));
    t.teardown(() => catchUpSz.close());
    t.same((await catchUpSz.items(sz.length)).map((i) => i.position), sz.map((i) => i.position), 'a consumer reading the history gets what the live one got');
    const both = await FeedReader.open(w.base, w.token(feedPrincipals.bothReporting));
    t.teardown(() => both.close());
    const province = await both.items(all.filter((e) => !e.streamId.startsWith('idnumber-')).length);
    t.same(
      province.map((i) => i.position),
      all.filter((e) => !e.streamId.startsWith('idnumber-')).map((e) => String(e.position)),
      'a token of both cities gets every event of either, the transfer once',
    );
  });

  t.test(`${name}: a consumer resuming mid-stream is scoped by the stream's earlier events`, async (t) => {
    const { store, stop } = await open();
    const w = await feedWorld(store ? { store } : {});
    t.teardown(async () => {
      await w.close();
      await stop();
    });
    await seedBeforeTransfer(w.app);
    await transferAndAfter(w.app);
    const all = await w.all();
    // Resume right after p-move's registration: its jurisdiction is only in events before the cut.
    const cut = all.find((e) => e.streamId === 'person-p-move' && e.type === 'PersonRegistered')!.position;
    const sz = await FeedReader.open(w.base, w.token(feedPrincipals.szReporting), `after=${cut}`);
    const fz = await FeedReader.open(w.base, w.token(feedPrincipals.fzReporting), '', { 'last-event-id': String(cut) });
    t.teardown(() => sz.close());
    t.teardown(() => fz.close());
    const szItems = await sz.items(3);
    const fzItems = await fz.items(3);
    const summary = (items: Item[]) => items.map((i) => [i.stream, i.type, String(i.data.courseId ?? '')]);
    t.same(summary(szItems), [
      ['person-p-sz', 'CompletionRecorded', 'c-sz'],
      ['person-p-move', 'CompletionRecorded', 'c-sz'],
      ['person-p-move', 'PersonTransferred', ''],
    ]);
    t.same(summary(fzItems), [
      ['person-p-fz', 'CompletionRecorded', 'c-fz'],
      ['person-p-move', 'PersonTransferred', ''],
      ['person-p-move', 'CompletionRecorded', 'c-fz'],
    ]);
    t.same(await sz.itemsWithin(100), []);
    t.ok(w.hub().scope.reads > 0, 'the index read the streams it met past their start');
  });
}

suite(t, 'SQLite', async () => ({ stop: async () => undefined }));
suite(t, 'EventStoreDB (wire double)', async () => {
  const double = await startWireDouble();
  return { store: EsdbEventStore.connect({ connectionString: double.connectionString, clock: () => FIXED_NOW }), stop: () => double.stop() };
});

t.test('the scope index: certificate-number reservations, ID-number reservations, unknown streams, eviction', async (t) => {
  const history: Record<string, ScopedEvent[]> = {
    'person-a': [
      { streamId: 'person-a', revision: 0n, type: 'PersonRegistered', data: { jurisdiction: 'suzhou' } },
      { streamId: 'person-a', revision: 1n, type: 'CompletionRecorded', data: {} },
      { streamId: 'person-a', revision: 2n, type: 'PersonTransferred', data: { fromJurisdiction: 'suzhou', toJurisdiction: 'shantou' } },
      { streamId: 'person-a', revision: 3n, type: 'CompletionRecorded', data: {} },
    ],
    'course-k': [{ streamId: 'course-k', revision: 0n, type: 'CourseFiled', data: { jurisdiction: 'sichuan' } }],
  };
  const reads: string[] = [];
  const index = new ScopeIndex(async (streamId, from, max) => {
    reads.push(`${streamId}@${from}+${max}`);
    return history[streamId]!.slice(Number(from), Number(from) + max);
  }, 1);
  const at = async (e: ScopedEvent) => jurisdictionsOf(await index.maskOf(e));
  t.same(await at({ streamId: 'certseq-fuzhou-2014', revision: 4n, type: 'CertificateNumberReserved', data: { jurisdiction: 'fuzhou' } }), ['fuzhou']);
  t.same(await at({ streamId: 'idnumber-ab12', revision: 0n, type: 'IdNumberReserved', data: { personId: 'a' } }), []);
  t.same(await at({ streamId: 'something-new', revision: 0n, type: 'Whatever', data: { jurisdiction: 'suzhou' } }), [], 'a stream kind the feed does not know belongs to no jurisdiction');
  t.same(await at(history['person-a']![3]!), ['shantou'], 'met at revision 3: the transfer before it is read from the store');
  t.same(reads, ['person-a@0+3']);
  t.same(await at({ streamId: 'course-k', revision: 1n, type: 'CourseApproved', data: {} }), ['sichuan'], 'a course: its first event says where');
  t.same(reads, ['person-a@0+3', 'course-k@0+1']);
  t.same(await at(history['person-a']![1]!), ['suzhou'], 'evicted (capacity 1), read again: revision 1 is still Suzhou');
  t.same(await at(history['person-a']![2]!), ['suzhou', 'shantou'], 'the transfer belongs to both');
  t.same(await at(history['person-a']![3]!), ['shantou']);
  t.same(reads, ['person-a@0+3', 'course-k@0+1', 'person-a@0+1'], 'in order, a stream is learnt without further reads');
});
