import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { JURISDICTIONS } from '../../schemas/common.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { principals } from '../support/app.js';
import { tempDir } from '../support/tmp.js';
import { feedWorld, seedBeforeTransfer, transferAndAfter } from './world.js';

const CONSUMER = join(import.meta.dirname, '../../examples/reporting-consumer/consumer.ts');

function startConsumer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CONSUMER], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The consumer's saved position, read from its database as another process would. */
function savedPosition(file: string): bigint {
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT position FROM checkpoint WHERE id = 1').pluck().get() as string | undefined;
      return row === undefined ? -1n : BigInt(row);
    } finally {
      db.close();
    }
  } catch {
    return -1n;
  }
}

async function reaches(file: string, position: bigint, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; savedPosition(file) < position; ) {
    if (Date.now() > end) throw new Error(`the consumer did not reach ${position} (at ${savedPosition(file)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('the example consumer follows the feed, survives a kill, and its totals equal GET /v1/reports/year-totals', async (t) => {
  const w = await feedWorld({ heartbeatMs: 200 });
  const tmp = tempDir('celedger-consumer-');
  t.teardown(async () => {
    await w.close();
    tmp.remove();
  });
  const pepper = w.app.secrets.idPepper;
  await writeWorkload(w.app.store, generateWorkload({ persons: 120, seed: 18, protectId: (n) => protectIdNumber(pepper, n) }));
  await seedBeforeTransfer(w.app);
  const db = join(tmp.dir, 'consumer.db');
  const token = w.token({ role: 'reporting', sub: 'stats-all', jurisdictions: [...JURISDICTIONS] });
  const env = { LEDGER_URL: w.base, LEDGER_TOKEN: token, CONSUMER_DB: db };
  const first = startConsumer(env);
  t.teardown(() => void first.kill('SIGKILL'));
  await reaches(db, await w.app.store.headPosition());
  // Killed without warning: what it saved is whole, and it resumes from there.
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  await transferAndAfter(w.app);
  const second = startConsumer(env);
  t.teardown(() => void second.kill('SIGKILL'));
  const head = await w.app.store.headPosition();
  await reaches(db, head);
  second.kill('SIGTERM');
  const code = await new Promise((r) => second.once('exit', r));
  t.equal(code, 0, 'SIGTERM ends it cleanly');

  await w.app.read.runner.waitForPosition(head, 5000);
  const mine = new Database(db, { readonly: true });
  t.teardown(() => mine.close());
  const rows = mine.prepare('SELECT * FROM year_totals ORDER BY jurisdiction, year').all() as Record<string, number | string>[];
  t.same([...new Set(rows.map((r) => r.jurisdiction))].sort(), [...JURISDICTIONS].sort(), 'every jurisdiction has a row');
  let compared = 0;
  for (const r of rows) {
    const res = await w.app.as(principals.auditor, { url: `/v1/reports/year-totals?jurisdiction=${r.jurisdiction}&year=${r.year}&minPosition=${head}` });
    const [server] = res.json().rows;
    t.same(
      {
        persons: r.persons,
        compliantPersons: r.compliant_persons,
        hoursPublic: r.hours_public,
        hoursProfessional: r.hours_professional,
        hoursElective: r.hours_elective,
        hoursTotal: r.hours_total,
      },
      {
        persons: server.persons,
        compliantPersons: server.compliantPersons,
        hoursPublic: server.hoursPublic,
        hoursProfessional: server.hoursProfessional,
        hoursElective: server.hoursElective,
        hoursTotal: server.hoursTotal,
      },
      `${r.jurisdiction} ${r.year}`,
    );
    compared++;
  }
  t.ok(compared >= 5);
  const fuzhou = rows.find((r) => r.jurisdiction === 'fuzhou' && r.year === 2014)!;
  t.ok(Number(fuzhou.compliant_persons) > 0 && Number(fuzhou.compliant_persons) < Number(fuzhou.persons), 'some compliant, some not: the figures are not trivially equal');
});
