import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import t from 'tap';
import { addRow, defineProjection, emptyProjectionWrites } from '../../projections/define.js';
import type { ProjectionEvent, StateReader } from '../../projections/define.js';
import { registeredProjections } from '../../projections/index.js';
import type { EventType } from '../../schemas/events.js';
import { Projector } from '../../src/runner/projector.js';
import { openReadModelDb } from '../../src/runner/read-model-db.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { ProjectedEvent } from '../../src/store/port.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { dumpReadModels as dump } from '../support/read-models.js';
import { tempDir } from '../support/tmp.js';

/**
 * A read model declared only here: completions per institution, kept as a document it folds on,
 * and a row per completion. Nothing else of the runner knows it.
 */
function completionsPerInstitution(version = 1) {
  return defineProjection({
    name: 'test-completions-per-institution',
    version,
    schema: 'CREATE TABLE IF NOT EXISTS test_completions (credit_id TEXT PRIMARY KEY, institution_id TEXT NOT NULL) WITHOUT ROWID;',
    tables: ['test_completions'],
    documents: { counts: 'test_completion_counts' },
    handles: new Set<EventType>(['CompletionRecorded']),
    load: (events: readonly ProjectionEvent[], state: StateReader) => {
      const counts = new Map<string, { n: number } | undefined>();
      for (const e of events) if (e.type === 'CompletionRecorded') counts.set(e.data.institutionId, state.doc<{ n: number }>('counts', e.data.institutionId));
      return counts;
    },
    apply: (events, counts) => {
      const w = emptyProjectionWrites();
      for (const e of events) {
        if (e.type !== 'CompletionRecorded') continue;
        const c = counts.get(e.data.institutionId) ?? { n: 0 };
        c.n++;
        counts.set(e.data.institutionId, c);
        addRow(w, 'completion', [e.data.creditId, e.data.institutionId]);
      }
      for (const [id, c] of counts) if (c) w.docs.push(['counts', id, c]);
      return w;
    },
    statements: { completion: 'INSERT OR IGNORE INTO test_completions (credit_id, institution_id) VALUES (?, ?)' },
    queries: (db: Db) => ({
      count: (institutionId: string) => {
        const doc = db.prepare('SELECT doc FROM test_completion_counts WHERE id = ?').pluck().get(institutionId) as string | undefined;
        return doc ? (JSON.parse(doc) as { n: number }).n : 0;
      },
      rows: () => (db.prepare('SELECT count(*) AS n FROM test_completions').get() as { n: number }).n,
    }),
  });
}

t.test('a projection registered in a test alone is rebuilt, checkpointed and queried by the generic runner', async (t) => {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons: 600, seed: 5, protectId: (id) => protectIdNumber(Buffer.alloc(32, 3), id) }));
  let completions = 0;
  const byInstitution = new Map<string, number>();
  for await (const e of store.readAll()) {
    if (e.type !== 'CompletionRecorded') continue;
    completions++;
    const id = String(e.data.institutionId);
    byInstitution.set(id, (byInstitution.get(id) ?? 0) + 1);
  }
  const head = await store.headPosition();
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');

  const projections = [...registeredProjections(), completionsPerInstitution()];
  const read = openReadSide(store, file, { projections });
  await read.runner.catchUp();
  const q = read.projector.queries(completionsPerInstitution());
  t.ok(read.runner.threadedBatches >= 1, 'the long catch-up went through the writer thread');
  t.equal(q.rows(), completions, `${completions} completions, one row each`);
  for (const [id, n] of byInstitution) t.equal(q.count(id), n, `${id}: ${n} completions`);
  t.same(
    read.projector.status().map((s) => [s.name, s.position]),
    projections.map((p) => [p.name, head]),
    'every projection checkpointed at the head',
  );
  await read.close();

  // A new version of the test projection alone: it is dropped and folded again, the others stay.
  const before = openReadSide(store, file, { projections: [...registeredProjections(), completionsPerInstitution(1)] });
  const personsBefore = before.db.prepare('SELECT count(*) AS n FROM person_years').get();
  await before.close();
  const bumped = openReadSide(store, file, { projections: [...registeredProjections(), completionsPerInstitution(2)] });
  t.same(
    bumped.projector.status().map((s) => [s.name, s.position]),
    [...registeredProjections().map((p) => [p.name, head]), ['test-completions-per-institution', -1n]],
    'only the bumped projection starts over',
  );
  t.equal(bumped.projector.queries(completionsPerInstitution(2)).rows(), 0, 'its tables were dropped');
  const folded = await bumped.runner.catchUp();
  t.equal(folded, Number(head) + 1, 'the store is read again from the start for it');
  t.equal(bumped.projector.queries(completionsPerInstitution(2)).rows(), completions);
  t.same(bumped.db.prepare('SELECT count(*) AS n FROM person_years').get(), personsBefore, 'the other read models were left as they were');
  t.equal(bumped.runner.position, head);
  await bumped.close();
});

t.test('rebuilding one projection by name leaves the others at their checkpoints', async (t) => {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons: 100, seed: 9, protectId: (id) => protectIdNumber(Buffer.alloc(32, 3), id) }));
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');
  const read = openReadSide(store, file);
  await read.runner.catchUp();
  const courses = read.db.prepare('SELECT * FROM course_list ORDER BY course_id').all();
  await read.close();
  const again = openReadSide(store, file, { reset: ['courses'] });
  t.same(again.projector.status().find((s) => s.name === 'courses')?.position, -1n, 'courses starts over');
  t.ok(again.projector.status().filter((s) => s.name !== 'courses').every((s) => s.position >= 0n), 'the others keep theirs');
  await again.runner.catchUp();
  t.same(again.db.prepare('SELECT * FROM course_list ORDER BY course_id').all(), courses, 'the same rows again');
  await again.close();
});

t.test('a batch that writes far more documents than the projector keeps parsed folds in linear time, and the next batch folds on them', async (t) => {
  const count = 60_000;
  const everyone = defineProjection({
    name: 'test-everyone',
    version: 1,
    schema: '',
    tables: [],
    documents: { seen: 'test_everyone_docs' },
    handles: new Set<EventType>(['PublicSubjectsListed']),
    // Like a catalogue change at scale: one event re-folds a document per person of a jurisdiction.
    load: (_events: readonly ProjectionEvent[], state: StateReader) => Array.from({ length: count }, (_, i) => state.doc<{ n: number }>('seen', `p${i}`)),
    apply: (_events, docs) => ({ docs: docs.map((d, i) => ['seen', `p${i}`, { n: (d?.n ?? 0) + 1 }] as [string, string, unknown]), rows: {} }),
    queries: (db: Db) => ({
      counts: () => db.prepare("SELECT json_extract(doc, '$.n') AS n, count(*) AS c FROM test_everyone_docs GROUP BY n").all(),
    }),
  });
  const db = openReadModelDb(':memory:', [everyone]);
  const projector = new Projector(db, [everyone]);
  const listed = (position: bigint) =>
    ({ position, streamId: 'catalogue-zhengzhou', revision: position, type: 'PublicSubjectsListed', data: { jurisdiction: 'zhengzhou', year: 2014, subjects: [] } }) as unknown as ProjectedEvent;
  const started = performance.now();
  await projector.apply([listed(0n)]);
  await projector.apply([listed(1n)]);
  const ms = performance.now() - started;
  t.same(projector.queries(everyone).counts(), [{ n: 2, c: count }], `all ${count} documents folded twice`);
  t.ok(ms < 10_000, `two batches of ${count} documents in ${Math.round(ms)} ms`);
  db.close();
});

t.test('a live batch too wide to commit between two requests is committed by a writer thread, with the same read models as a rebuild', async (t) => {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons: 300, seed: 11, protectId: (id) => protectIdNumber(Buffer.alloc(32, 3), id) }));
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const live = openReadSide(store, join(tmp.dir, 'live.db'), { runner: { wideBatch: 50 } });
  await live.runner.catchUp();
  live.runner.start();
  // A catalogue change: every Zhengzhou person's years are evaluated again.
  const listed = await store.append('catalogue-zhengzhou', [
    { eventId: randomUUID(), type: 'PublicSubjectsListed', data: { jurisdiction: 'zhengzhou', year: 2014, subjects: [{ title: '职业道德', hours: 30 }], listedOn: '2014-01-05' } },
  ]);
  t.ok(await live.runner.waitForPosition(listed.position, 10_000), 'the read side reached the listing');
  t.equal(live.runner.wideBatches, 1, 'committed by a writer thread');
  const rebuilt = openReadSide(store, join(tmp.dir, 'rebuilt.db'));
  await rebuilt.runner.catchUp();
  t.equal(dump(live.db), dump(rebuilt.db), 'the same read models as a rebuild over the same events');
  await live.runner.stop();
  await live.close();
  await rebuilt.close();
});
