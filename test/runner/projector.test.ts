import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { registeredProjections } from '../../projections/index.js';
import type { PersonYearQueries } from '../../projections/person-years/queries.js';
import { yearTotals } from '../../projections/reports.js';
import { JURISDICTIONS } from '../../schemas/common.js';
import type { Projector } from '../../src/runner/projector.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { dumpReadModels as dump, openProjector } from '../support/read-models.js';
import { tempDir } from '../support/tmp.js';

/** Each workload's store: a projector folds a record again from its stream when it has none in memory. */
const stores = new WeakMap<RecordedEvent[], MemoryEventStore>();

async function workloadEvents(persons: number): Promise<RecordedEvent[]> {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons, seed: 7, protectId: (id) => protectIdNumber(Buffer.alloc(32, 1), id) }));
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  stores.set(events, store);
  return events;
}

function reports(projector: Projector): string {
  const models = projector.queries<PersonYearQueries>('person-years');
  return JURISDICTIONS.flatMap((j) => (['none', 'employer', 'category', 'titleLevel'] as const).map((g) => JSON.stringify(yearTotals(j, 2014, models.reportInputs(j, 2014), g)))).join('');
}

t.test('for every registered projection, one pass or batches resumed from any checkpoint after a restart give the same read models', async (t) => {
  const events = await workloadEvents(60);
  const whole = openProjector(':memory:', registeredProjections(), stores.get(events));
  await whole.projector.apply(events);
  const expected = dump(whole.db);
  const tmp = tempDir();
  t.teardown(tmp.remove);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: events.length - 1 }), { maxLength: 6 }), async (cuts) => {
      const file = join(tmp.dir, `rm-${run++}.db`);
      const bounds = [0, ...cuts.sort((a, b) => a - b), events.length];
      for (let i = 0; i + 1 < bounds.length; i++) {
        // A new projector on the same file for every batch: a restart that resumes from the checkpoint.
        const { db, projector } = openProjector(file, registeredProjections(), stores.get(events));
        // Hand it some events again from before its checkpoint, as a redelivery after a crash would.
        await projector.apply(events.slice(Math.max(0, bounds[i]! - 3), bounds[i + 1]));
        db.close();
      }
      const { db } = openProjector(file, registeredProjections(), stores.get(events));
      const same = dump(db) === expected;
      db.close();
      return same;
    }),
    { numRuns: 25 },
  );
  t.pass('25 random batchings');
});

t.test('a rebuild gives byte-identical reports', async (t) => {
  const events = await workloadEvents(80);
  const first = openProjector(':memory:', registeredProjections(), stores.get(events));
  for (let i = 0; i < events.length; i += 37) await first.projector.apply(events.slice(i, i + 37));
  const rebuilt = openProjector(':memory:', registeredProjections(), stores.get(events));
  await rebuilt.projector.apply(events);
  const a = reports(first.projector);
  t.equal(a, reports(rebuilt.projector));
  t.match(a, /"jurisdiction":"zhengzhou","year":2014,"group":"all","persons":16,/, 'the report holds the generated persons');
});

t.test('the generated year is mostly compliant under every jurisdiction’s rules', async (t) => {
  const events = await workloadEvents(100);
  const { projector } = openProjector();
  await projector.apply(events);
  const models = projector.queries<PersonYearQueries>('person-years');
  for (const j of JURISDICTIONS) {
    const [row] = yearTotals(j, 2014, models.reportInputs(j, 2014));
    t.equal(row!.persons, 20, `${j}: 20 persons`);
    t.ok(row!.compliantPersons >= 12 && row!.compliantPersons < 20, `${j}: ${row!.compliantPersons} of 20 compliant (a few skip a course)`);
  }
});
