import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import { tempDir } from '../support/tmp.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function ledger(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import=tsx', main, ...args], { encoding: 'utf8', env: { ...process.env, LEDGER_LOG_LEVEL: 'silent' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

t.test('gen, rebuild, audit and verify-chain on one data dir', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = ['--data-dir', tmp.dir];
  const gen = ledger('gen', '--persons', '25', ...dir);
  t.equal(gen.code, 0, gen.err);
  t.match(gen.out, /^wrote \d+ events in \d+ streams/);
  const again = ledger('gen', '--persons', '25', ...dir);
  t.equal(again.code, 0, 'the same seed again is an idempotent no-op');

  const rebuild = ledger('rebuild', ...dir);
  t.equal(rebuild.code, 0, rebuild.err);
  t.match(rebuild.out, /^rebuilt \d+ events in [\d.]+ s: [\d,]+ events\/s/);
  t.match(rebuild.err, /100%/, 'a progress bar on stderr');

  const history = ledger('audit', 'history', '--person', 'p0000000', '--format', 'ndjson', ...dir);
  t.equal(history.code, 0, history.err);
  const lines = history.out.trim().split('\n').map((l) => JSON.parse(l));
  t.equal(lines[0].type, 'PersonRegistered');
  t.match(lines[0].hash, /^[0-9a-f]{64}$/);
  t.ok(lines.at(-1).state.years.length >= 1, 'the last line is the state as of then');
  const text = ledger('audit', 'history', '--person', 'p0000000', ...dir);
  t.match(text.out, /PersonRegistered\s+by system:ledger-gen/);
  t.match(text.out, /2014 zhengzhou: (NOT )?compliant/);

  t.equal(ledger('audit', 'integrity', ...dir).code, 0);
  t.equal(ledger('verify-chain', ...dir).code, 0);
  const raw = new Database(join(tmp.dir, 'events.db'));
  raw.prepare(`UPDATE events SET data = replace(data, '"hours":26', '"hours":62') WHERE stream_id = 'person-p0000000' AND type = 'CompletionRecorded'`).run();
  raw.close();
  const broken = ledger('verify-chain', ...dir);
  t.equal(broken.code, 1);
  t.match(broken.out, /BROKEN: stream person-p0000000 revision \d+/);
  t.equal(ledger('audit', 'integrity', ...dir).code, 1);
});

t.test('usage errors exit 2 with a message', async (t) => {
  t.equal(ledger('no-such-command').code, 2);
  const bad = ledger('serve', '--port', 'eighty');
  t.equal(bad.code, 2);
  t.match(bad.err, /port/);
});

t.test('bureau-data records Shantou’s catalogues from the bootstrap file, once', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = fileURLToPath(new URL('../../bootstrap/shantou-2014.json', import.meta.url));
  const first = ledger('bureau-data', '--file', file, '--data-dir', tmp.dir);
  t.equal(first.code, 0, first.err);
  t.match(first.out, /recorded 2 steps of shantou's data/);
  t.equal(ledger('bureau-data', '--file', file, '--data-dir', tmp.dir).code, 0, 'a re-run is a no-op');
  const db = new Database(join(tmp.dir, 'events.db'), { readonly: true });
  t.teardown(() => db.close());
  t.same(db.prepare("SELECT type FROM events WHERE stream_id = 'catalogue-shantou' ORDER BY revision").pluck().all(), ['PublicSubjectsListed', 'PastYearCatalogueRecorded']);
  t.equal(ledger('bureau-data', '--data-dir', tmp.dir).code, 2, 'the file is required');
});
