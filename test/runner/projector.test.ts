import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { emptyRegistry } from '../../projections/registry.js';
import { toCsv, yearTotals } from '../../projections/reports.js';
import { JURISDICTIONS } from '../../schemas/common.js';
import { Projector } from '../../src/runner/projector.js';
import { openReadModelDb } from '../../src/runner/read-model-db.js';
import { ReadModels } from '../../src/runner/read-models.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { RecordedEvent } from '../../src/store/port.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { tempDir } from '../support/tmp.js';

async function workloadEvents(persons: number): Promise<RecordedEvent[]> {
  const store = new MemoryEventStore();
  await writeWorkload(store, generateWorkload({ persons, seed: 7, protectId: (id) => protectIdNumber(Buffer.alloc(32, 1), id) }));
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll()) events.push(e);
  return events;
}

/** Everything the read models hold, as text: two folds are equal when their dumps are. */
function dump(db: ReturnType<typeof openReadModelDb>): string {
  return ['persons', 'person_years', 'registry', 'certificates', 'course_persons', 'checkpoint']
    .map((table) => JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all()))
    .join('\n');
}

function reports(db: ReturnType<typeof openReadModelDb>): string {
  const models = new ReadModels(db, { registry: emptyRegistry() });
  return JURISDICTIONS.flatMap((j) => (['none', 'employer', 'category', 'titleLevel'] as const).map((g) => toCsv(yearTotals(j, 2014, models.reportInputs(j, 2014), g)))).join('');
}

t.test('one pass, or batches resumed from any checkpoint after a restart, give the same read models', async (t) => {
  const events = await workloadEvents(60);
  const whole = openReadModelDb(':memory:');
  new Projector(whole).apply(events);
  const expected = dump(whole);
  const tmp = tempDir();
  t.teardown(tmp.remove);
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: events.length - 1 }), { maxLength: 6 }), async (cuts) => {
      const file = join(tmp.dir, `rm-${run++}.db`);
      const bounds = [0, ...cuts.sort((a, b) => a - b), events.length];
      for (let i = 0; i + 1 < bounds.length; i++) {
        // A new projector on the same file for every batch: a restart that resumes from the checkpoint.
        const db = openReadModelDb(file);
        const projector = new Projector(db);
        // Hand it some events again from before its checkpoint, as a redelivery after a crash would.
        projector.apply(events.slice(Math.max(0, bounds[i]! - 3), bounds[i + 1]));
        db.close();
      }
      const db = openReadModelDb(file);
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
  const first = openReadModelDb(':memory:');
  const p = new Projector(first);
  for (let i = 0; i < events.length; i += 37) p.apply(events.slice(i, i + 37));
  const rebuilt = openReadModelDb(':memory:');
  new Projector(rebuilt).apply(events);
  const a = reports(first);
  t.equal(a, reports(rebuilt));
  t.match(a, /zhengzhou,2014,all,16,/, 'the report holds the generated persons');
});

t.test('the generated year is mostly compliant under every jurisdiction’s rules', async (t) => {
  const events = await workloadEvents(100);
  const db = openReadModelDb(':memory:');
  new Projector(db).apply(events);
  const models = new ReadModels(db, { registry: emptyRegistry() });
  for (const j of JURISDICTIONS) {
    const [row] = yearTotals(j, 2014, models.reportInputs(j, 2014));
    t.equal(row!.persons, 20, `${j}: 20 persons`);
    t.ok(row!.compliantPersons >= 12 && row!.compliantPersons < 20, `${j}: ${row!.compliantPersons} of 20 compliant (a few skip a course)`);
  }
});
