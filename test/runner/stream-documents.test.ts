import { join } from 'node:path';
import t from 'tap';
import { registeredProjections } from '../../projections/index.js';
import { loadPersonRecord } from '../../src/eligibility/load.js';
import { streams } from '../../src/domain/streams.js';
import { openReadModelDb } from '../../src/runner/read-model-db.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { dumpReadModels as dump, openProjector } from '../support/read-models.js';
import { tempDir } from '../support/tmp.js';

const personIds = (n: number) => Array.from({ length: n }, (_, i) => `p${String(i).padStart(7, '0')}`);

async function seeded(persons: number) {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons, seed: 5, protectId: (id) => protectIdNumber(Buffer.alloc(32, 3), id) }));
  return store;
}

t.test("a person's record is the fold of their stream, as the command side folds it", async (t) => {
  const store = await seeded(40);
  const read = openReadSide(store, ':memory:');
  await read.runner.catchUp();
  for (const id of personIds(40)) {
    const record = await read.models.person(id);
    t.ok(record, `${id} has a record`);
    t.same(record, await loadPersonRecord(store, id), `${id}: the read side's record is the command side's`);
  }
  t.equal(await read.models.person('p9999999'), undefined, 'no stream, no record');
  await read.close();
});

t.test('records are read through the position the tables answer for, not past it', async (t) => {
  const store = await seeded(3);
  const read = openReadSide(store, ':memory:');
  await read.runner.catchUp();
  const before = (await read.models.person('p0000001'))!;
  const year = (await read.models.personYears('p0000001'))[0]!;
  const stream = await store.readStream(streams.person('p0000001'));
  await store.append(streams.person('p0000001'), [
    { eventId: '6a1c0b7e-1d2f-4f47-9a8e-2b7c8f0a1d11', type: 'PersonTitleChanged', data: { personId: 'p0000001', from: before.titleLevel, to: 'senior', effectiveOn: '2030-03-01' }, metadata: { actor: { role: 'bureau', id: 'b1' }, schemaVersion: 1 } },
  ], { expected: stream.at(-1)!.revision });
  t.same(await read.models.person('p0000001'), before, 'an event not folded yet is not in the record');
  t.same((await read.models.personYear('p0000001', year.year))?.titleLevel, year.titleLevel, 'nor in the year read with it');
  await read.runner.catchUp();
  const after = (await read.models.person('p0000001'))!;
  t.equal(after.titleLevel, 'senior', 'once folded, it is');
  t.same(after.titleChanges.at(-1), { from: before.titleLevel, to: 'senior', effectiveOn: '2030-03-01' });
  await read.close();
});

t.test('persons whose events span many small batches are folded as in one pass', async (t) => {
  const store = await seeded(200);
  const events = [];
  for await (const e of store.readAll()) events.push(e);
  const { db: reference, projector } = openProjector();
  await projector.apply(events);
  const tmp = tempDir();
  t.teardown(tmp.remove);
  // Batches of 7 events split nearly every person's stream: each later batch folds on a record read back from the events.
  const read = openReadSide(store, join(tmp.dir, 'readmodels.db'), { runner: { longBatch: 7 } });
  t.equal(await read.runner.catchUp(), events.length);
  t.equal(dump(read.db), dump(reference), 'same rows');
  await read.close();
});

t.test('a file from before keeps no copy of the records: the old table is dropped', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');
  const db = openReadModelDb(file, registeredProjections());
  db.exec('CREATE TABLE persons (id TEXT PRIMARY KEY, doc TEXT NOT NULL)');
  db.prepare("INSERT INTO persons (id, doc) VALUES ('p1', '{}')").run();
  db.prepare("UPDATE projections SET version = 10, position = '99' WHERE name = 'person-years'").run();
  db.close();
  const reopened = openReadModelDb(file, registeredProjections());
  t.equal(reopened.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'persons'").pluck().get(), 0, 'persons is gone');
  t.equal(reopened.prepare("SELECT position FROM projections WHERE name = 'person-years'").pluck().get(), '-1', 'person-years folds again from the start');
  reopened.close();
});
