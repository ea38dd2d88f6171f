import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { loadSecrets } from '../../src/security/secrets.js';
import { Keyring } from '../../src/security/signing-keys.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const ledger = (...args: string[]) => spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, LEDGER_DATA_DIR: '', LEDGER_LOG_LEVEL: 'silent' } });

/** The ledger of a data dir on disk, as `ledger serve` opens it. */
const onDisk = (dir: string) => {
  mkdirSync(dir, { recursive: true });
  return testApp({ store: SqliteEventStore.open({ file: join(dir, 'events.db') }), secrets: loadSecrets(dir), keyring: Keyring.open(dir) });
};

async function answers(app: TestApp, qr: string) {
  await app.read.runner.waitForPosition(await app.store.headPosition(), 5000);
  const year = (await app.as(principals.zzBureau, { url: '/v1/persons/p1/years/2014' })).json();
  const verdict = (await app.app.inject({ url: `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰` })).json();
  const keys = (await app.app.inject({ url: '/v1/keys' })).json();
  const integrity = (await app.as(principals.auditor, { url: '/v1/audit/integrity' })).json();
  return { year, verdict, keys, integrity };
}

t.test('restore drill: a backup made while the ledger serves, restored into a new data dir, verifies and serves the same answers', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const a = join(tmp.dir, 'a');
  const b = join(tmp.dir, 'b');
  const file = join(tmp.dir, 'ledger.backup');
  const live = await onDisk(a);
  t.teardown(live.close);
  await seedZhengzhou(live);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(live, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await ok(live, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  await ok(live, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });

  const backup = ledger('backup', '--data-dir', a, '--out', file);
  t.equal(backup.status, 0, backup.stderr);
  t.match(backup.stdout, /^backed up 1[0-9] events in \d+ streams \(head position \d+\) and 5 files of secrets\/ and keys\/ to .*; every chain verified/);
  t.equal(statSync(file).mode & 0o777, 0o600, 'the backup holds the pepper and the keys: 0600');
  t.notOk(existsSync(`${file}-wal`), 'one self-contained file');
  t.equal(ledger('backup', '--data-dir', a, '--out', file).status, 1, 'never over an existing file');

  const restore = ledger('restore', '--from', file, '--data-dir', b);
  t.equal(restore.status, 0, restore.stderr);
  t.match(restore.stdout, /^restored 1[0-9] events/);
  t.equal(statSync(join(b, 'secrets', 'id-pepper')).mode & 0o777, 0o600);
  t.equal(ledger('verify-chain', '--data-dir', b).status, 0, 'the restored store verifies');
  const again = ledger('restore', '--from', file, '--data-dir', b);
  t.equal(again.status, 1);
  t.match(again.stderr, /exists: restore into a new, empty data dir/);

  const restored = await onDisk(b);
  t.teardown(restored.close);
  const before = await answers(live, issued.qr);
  const after = await answers(restored, issued.qr);
  t.equal(before.verdict.verdict, 'authentic');
  t.same(after, before, 'the same year, verdict (signed with the restored key), keys and integrity');
  const token = live.token(principals.auditor);
  t.equal((await restored.app.inject({ url: '/v1/audit/integrity', headers: { authorization: `Bearer ${token}` } })).statusCode, 200, 'tokens signed before still hold');
});

t.test('a store whose chain is broken is not backed up, and a tampered backup is not restored', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const a = join(tmp.dir, 'a');
  const app = await onDisk(a);
  await seedZhengzhou(app);
  await app.close();
  const good = join(tmp.dir, 'good.backup');
  t.equal(ledger('backup', '--data-dir', a, '--out', good).status, 0);
  const raw = new Database(good);
  raw.prepare(`UPDATE events SET data = replace(data, '"hours":30', '"hours":60') WHERE stream_id = 'course-c1'`).run();
  raw.close();
  const bad = ledger('restore', '--from', good, '--data-dir', join(tmp.dir, 'b'));
  t.equal(bad.status, 1);
  t.match(bad.stderr, /the backup does not verify: stream course-c1 revision 0/);
  t.notOk(existsSync(join(tmp.dir, 'b', 'events.db')), 'nothing left that looks like a store');

  const store = new Database(join(a, 'events.db'));
  store.prepare(`UPDATE events SET data = replace(data, '"hours":26', '"hours":62') WHERE stream_id = 'course-c-pub'`).run();
  store.close();
  const out = join(tmp.dir, 'broken.backup');
  const refused = ledger('backup', '--data-dir', a, '--out', out);
  t.equal(refused.status, 1);
  t.match(refused.stderr, /the copy does not verify: stream course-c-pub/);
  t.notOk(existsSync(out));
  const usage = ledger('backup', '--data-dir', a);
  t.same([usage.status, usage.stderr.split('\n')[0]], [2, 'ledger backup: --out: the file to write the backup to is required']);
});
