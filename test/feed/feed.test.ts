import t from 'tap';
import { recomputeHash } from '../../src/store/integrity.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { principals } from '../support/app.js';
import { FeedReader } from '../support/feed-client.js';
import { feedPrincipals, feedWorld, fileCourses, seedTwoCities } from './world.js';

async function settled(done: () => boolean, ms = 2000): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 10));
}

const positions = (xs: { position: string | bigint }[]) => xs.map((x) => String(x.position));

t.test('NDJSON: catch-up then live, every item as stored, hashes recomputable, no gap and no repeat', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  await seedTwoCities(w.app);
  const before = await w.all();
  const feed = await FeedReader.open(w.base, w.token(principals.auditor));
  t.teardown(() => feed.close());
  t.equal(feed.status, 200);
  t.equal(feed.headers['content-type'], 'application/x-ndjson; charset=utf-8');
  t.equal(feed.headers['cache-control'], 'no-cache, no-transform');
  const history = await feed.items(before.length);
  t.same(positions(history), positions(before), 'history in commit order, all of it');
  const first = history[0]!;
  const stored = before[0]!;
  t.same(
    first,
    {
      position: String(stored.position),
      stream: stored.streamId,
      revision: String(stored.revision),
      eventId: stored.eventId,
      type: stored.type,
      schemaVersion: 1,
      recordedAt: stored.recordedAt,
      actorRole: 'bureau',
      data: stored.data,
      metadata: stored.metadata,
      prevHash: stored.prevHash,
      hash: stored.hash,
    },
    'an item is the stored event with its integrity fields',
  );
  for (const item of history) {
    const e: RecordedEvent = { ...item, streamId: item.stream, revision: BigInt(item.revision), position: BigInt(item.position) };
    if (recomputeHash(e) !== item.hash) t.fail(`hash of ${item.position} does not recompute`);
  }
  await fileCourses(w.app, 'sz', 1, 3);
  const live = await feed.items(3);
  const after = await w.all();
  t.same(positions(live), positions(after.slice(before.length)), 'live events follow with no gap and no repeat');
  t.same(
    live.map((i) => [i.type, i.data.courseId]),
    [
      ['CourseFiled', 'c-sz-1'],
      ['CourseFiled', 'c-sz-2'],
      ['CourseFiled', 'c-sz-3'],
    ],
  );
  t.same(await feed.itemsWithin(100), [], 'nothing else');
});

t.test('SSE: retry, id = position, one data line of JSON per event; Accept or format= choose it', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  await seedTwoCities(w.app);
  const all = await w.all();
  const bySse = await FeedReader.open(w.base, w.token(principals.auditor), 'after=3', { accept: 'text/event-stream' });
  t.teardown(() => bySse.close());
  t.equal(bySse.headers['content-type'], 'text/event-stream; charset=utf-8');
  t.equal(bySse.headers['x-accel-buffering'], 'no', 'a proxy in front does not buffer the stream');
  const items = await bySse.items(all.length - 3);
  t.same(
    items.map((i) => i.sseId),
    positions(all.slice(3)),
    'the SSE id of each event is its position; after=3 starts after position 3',
  );
  const expectedText = `retry: 2000\n\n${all
    .slice(3, 5)
    .map((e) => `id: ${e.position}\ndata: ${JSON.stringify(items.find((i) => i.position === String(e.position))!, (k, v) => (k === 'sseId' ? undefined : v))}\n\n`)
    .join('')}`;
  t.equal(bySse.raw.slice(0, expectedText.length), expectedText, 'the bytes on the wire');
  const byQuery = await FeedReader.open(w.base, w.token(principals.auditor), 'format=sse&after=3');
  t.teardown(() => byQuery.close());
  t.equal(byQuery.format, 'sse');
  t.same((await byQuery.items(1))[0]!.sseId, String(all[3]!.position));
});

t.test('heartbeats when idle, in both framings, saying how far the feed has looked', async (t) => {
  const w = await feedWorld({ heartbeatMs: 60 });
  t.teardown(w.close);
  await seedTwoCities(w.app);
  const all = await w.all();
  const head = String(all[all.length - 1]!.position);
  for (const format of ['ndjson', 'sse'] as const) {
    const feed = await FeedReader.open(w.base, w.token(principals.auditor), `format=${format}&types=CourseCancelled`);
    const f = await feed.frame(2000);
    const g = f?.kind === 'retry' ? await feed.frame(2000) : f;
    t.same(g, { kind: 'heartbeat', scanned: head }, `${format}: a heartbeat with the scanned position while no item matches`);
    feed.close();
  }
  const raw = await FeedReader.open(w.base, w.token(principals.auditor), `types=CourseCancelled`);
  await raw.frame(2000);
  const line = JSON.parse(raw.raw.split('\n')[0]!) as { heartbeat: string; scanned: string };
  t.match(line, { heartbeat: /^\d{4}-\d\d-\d\dT/, scanned: head }, 'an NDJSON heartbeat is a line without position');
  raw.close();
});

t.test('filters: types, and jurisdiction for an auditor', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  await seedTwoCities(w.app);
  const all = await w.all();
  const completions = all.filter((e) => e.type === 'CompletionRecorded');
  const feed = await FeedReader.open(w.base, w.token(principals.auditor), 'types=CompletionRecorded,CourseFiled');
  t.teardown(() => feed.close());
  const got = await feed.items(completions.length + 2);
  t.same(positions(got), positions(all.filter((e) => e.type === 'CompletionRecorded' || e.type === 'CourseFiled')));
  t.same(await feed.itemsWithin(100), []);
  const sz = await FeedReader.open(w.base, w.token(principals.auditor), 'jurisdiction=suzhou&types=CompletionRecorded');
  t.teardown(() => sz.close());
  t.same(
    (await sz.items(2)).map((i) => i.data.personId),
    ['p-sz', 'p-move'],
    "an auditor naming Suzhou gets the Suzhou persons' completions (p-move's Fuzhou one came after the transfer)",
  );
  t.same(await sz.itemsWithin(100), []);
});

t.test('who may read: reporting and auditor; errors are JSON with field paths', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  const status = async (p: Parameters<typeof w.token>[0] | undefined, query = '', headers: Record<string, string> = {}) => {
    const f = await FeedReader.open(w.base, p ? w.token(p) : undefined, query, headers);
    const code = f.status;
    f.close();
    return code;
  };
  t.equal(await status(undefined), 401);
  for (const p of [principals.zzBureau, principals.instA, principals.employer, principals.professional]) t.equal(await status(p), 403, `${p.role} may not read the feed`);
  t.equal(await status(feedPrincipals.szReporting), 200);
  t.equal(await status(principals.auditor), 200);
  t.equal(await status(feedPrincipals.szReporting, 'jurisdiction=fuzhou'), 403, 'a reporting token reads its own jurisdictions only');
  t.equal(await status(feedPrincipals.bothReporting, 'jurisdiction=fuzhou'), 200, 'or some of them');
  const inject = (url: string, headers: Record<string, string> = {}) => w.app.as(principals.auditor, { url, headers });
  const bad = await inject('/v1/feed?after=-1');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'VALIDATION_FAILED');
  t.equal(bad.json().error.details[0].path, 'querystring.after');
  t.same((await inject('/v1/feed?types=CompletionRecorded,Nope')).json().error.details, [
    { path: 'querystring.types', message: 'unknown event type Nope; the catalogue is at /v1/schemas/events' },
  ]);
  t.equal((await inject('/v1/feed?jurisdiction=beijing')).json().error.details[0].path, 'querystring.jurisdiction');
  t.equal((await inject('/v1/feed', { 'last-event-id': 'x1' })).json().error.details[0].path, 'headers.last-event-id');
  t.equal((await inject('/v1/feed?format=xml')).statusCode, 400);
  await settled(() => w.hub().active.length === 0);
  t.same(w.hub().active, [], 'a refused request leaves no session behind, and one whose consumer left ends');
});

t.test('a consumer that goes away ends its session; closing the server ends the rest', async (t) => {
  const w = await feedWorld();
  t.teardown(w.close);
  await seedTwoCities(w.app);
  const a = await FeedReader.open(w.base, w.token(principals.auditor));
  const b = await FeedReader.open(w.base, w.token(feedPrincipals.szReporting));
  await a.items(1);
  await b.items(1);
  t.equal(w.hub().active.length, 2);
  a.close();
  await settled(() => w.hub().active.length === 1);
  t.equal(w.hub().active.length, 1, 'the session of the consumer that left is gone');
  const closing = w.app.app.close();
  await closing;
  await new Promise((r) => setTimeout(r, 20));
  t.ok(b.ended, 'the server ends the remaining feed when it closes, instead of hanging on it');
  t.same(w.hub().active, []);
});
