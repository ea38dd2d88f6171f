import { join } from 'node:path';
import t from 'tap';
import { registeredProjections } from '../../projections/index.js';
import { openReadModelDb } from '../../src/runner/read-model-db.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { dumpReadModels as dump, openProjector } from '../support/read-models.js';
import { tempDir } from '../support/tmp.js';

t.test('a long catch-up committed from the writer thread gives the read models of one pass in this thread', async (t) => {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons: 1_000, seed: 11, protectId: (id) => protectIdNumber(Buffer.alloc(32, 2), id) }));
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  t.ok(events.length > 6_000, `${events.length} events: more than the first page`);

  const { db: reference, projector } = openProjector();
  await projector.apply(events);

  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');
  // Batches of the first page's size, so that several go through the writer thread.
  const read = openReadSide(store, file, { runner: { longBatch: 2_000 } });
  t.equal(await read.runner.catchUp(), events.length, 'every event folded once');
  t.ok(read.runner.threadedBatches >= 2, `${read.runner.threadedBatches} batches committed by the writer thread`);
  t.equal(read.runner.position, events.at(-1)!.position, 'the checkpoint is the last event');
  t.equal(dump(read.db), dump(reference), 'same rows as folding everything in one transaction');
  t.same(read.db.prepare('SELECT count(*) AS n FROM unsynced').get(), { n: 0 }, 'the unsynced marker is gone once everything is synced');
  t.ok(read.runner.deferredIndexes >= 5, `${read.runner.deferredIndexes} indexes built once at the end`);
  const indexes = (db: typeof reference) => db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all();
  t.same(indexes(read.db), indexes(reference), 'every index there, as declared');
  t.same(read.db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'and each holds every row');
  await read.close();
});

t.test('read models left unsynced by a crash are started over when opened', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');
  const db = openReadModelDb(file, registeredProjections());
  db.prepare("INSERT INTO registry (id, doc) VALUES ('course:c1', '{}')").run();
  db.prepare("UPDATE projections SET position = '41'").run();
  db.prepare('INSERT INTO unsynced (id) VALUES (1)').run();
  db.close();
  const reopened = openProjector(file);
  t.same(reopened.db.prepare('SELECT count(*) AS n FROM registry').get(), { n: 0 }, 'the registry dropped');
  t.equal(reopened.projector.checkpoint, -1n, 'the projector starts from the first event');
  reopened.db.close();

  const clean = openReadModelDb(file, registeredProjections());
  clean.prepare("UPDATE projections SET position = '7'").run();
  clean.close();
  const again = openProjector(file);
  t.equal(again.projector.checkpoint, 7n, 'without the marker the checkpoint is kept');
  again.db.close();
});
