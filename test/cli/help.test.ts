import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { COMMAND_NAMES, runCli } from '../../src/cli/run.js';
import { loadSecrets } from '../../src/security/secrets.js';
import { Keyring } from '../../src/security/signing-keys.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/tmp.js';

/** Runs the ledger command in this process (fast: no Node per call), with its output captured. */
async function ledger(...argv: string[]) {
  let out = '';
  let err = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    const code = await runCli(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

/** Every file under a directory with its size, modification time and digest. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else files[p.slice(dir.length)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return files;
}

t.test('--help on every command prints its usage and does nothing else: the data dir is unchanged, a missing one is not made', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = join(tmp.dir, 'data');
  loadSecrets(dir);
  Keyring.open(dir);
  await SqliteEventStore.open({ file: join(dir, 'events.db') }).close();
  const before = snapshot(dir);
  t.ok(Object.keys(before).length >= 4, 'a data dir with a store, secrets and keys');
  const missing = join(tmp.dir, 'missing');
  t.same(COMMAND_NAMES.sort(), ['audit', 'backup', 'bureau-data', 'gen', 'keys', 'rebuild', 'restore', 'schemas', 'serve', 'token', 'verify-chain', 'witness']);
  const forms = [
    ...COMMAND_NAMES.map((c) => [c, '--help']),
    ['gen', '--persons', '10k', '--help'],
    ['rebuild', '-h'],
    ['keys', 'rotate', '--help'],
    ['token', 'revoke', '--jti', 'abc', '--help'],
    ['token', '--role', 'auditor', '--subject', 'a', '-h'],
    ['audit', 'history', '--person', 'p1', '--help'],
    ['backup', '--out', join(tmp.dir, 'b.backup'), '--help'],
    ['restore', '--from', join(tmp.dir, 'b.backup'), '--help'],
    ['schemas', '--out', join(tmp.dir, 'schemas'), '--help'],
    ['serve', '--port', '0', '--help'],
  ];
  for (const form of forms) {
    for (const d of [dir, missing]) {
      const r = await ledger(...form, '--data-dir', d);
      t.equal(r.code, 0, form.join(' '));
      t.match(r.out, new RegExp(`^usage: ledger ${form[0]} `), `${form.join(' ')} prints its usage`);
      t.equal(r.err, '');
    }
  }
  t.same(snapshot(dir), before, 'nothing in the data dir changed');
  t.notOk(existsSync(missing), 'no data dir was made');
  t.notOk(existsSync(join(tmp.dir, 'b.backup')) || existsSync(join(tmp.dir, 'schemas')), 'nor any file named by a flag');
  const all = await ledger('--help');
  t.equal(all.code, 0);
  for (const c of COMMAND_NAMES) t.match(all.err, `ledger ${c}`);
});

t.test('bad arguments exit 2 with one sentence naming what is wrong, and the usage: no ZodError, no stack trace', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const d = ['--data-dir', join(tmp.dir, 'data')];
  const cases: [string[], RegExp][] = [
    [['serve', '--port', 'eighty'], /^ledger serve: invalid configuration: port \(LEDGER_PORT\): /],
    [['serve', '--store', 'oracle'], /^ledger serve: invalid configuration: store \(LEDGER_STORE\): /],
    [['serve', 'now'], /^ledger serve: Unexpected argument 'now'/],
    [['serve', '--prot', '80'], /^ledger serve: Unknown option '--prot'/],
    [['token', '--role', 'king', '--subject', 'k'], /^ledger token: --role: Invalid option: expected one of "bureau"\|"institution"\|"employer"\|"professional"\|"auditor"\|"reporting" \(not "king"\)$/m],
    [['token', '--role', 'bureau', '--subject', 'b'], /^ledger token: --jurisdiction: a bureau token names its jurisdiction$/m],
    [['token', '--role', 'auditor'], /^ledger token: --subject: /],
    [['token', '--role', 'auditor', '--subject', 'a', '--ttl', 'soon'], /^ledger token: --ttl: expected a duration/],
    [['token', '--role', 'auditor', '--subject', 'a', '--ttl', '90d'], /^ledger token: --ttl: a token lives at most 30 days/],
    [['token', 'revoke'], /^ledger token: --jti: the id of the token to revoke is required/],
    [['token', 'revoke', '--jti', 'j', '--until', 'someday'], /^ledger token: --until: expected an ISO time/],
    [['gen', '--persons', 'many'], /^ledger gen: --persons: expected a count or one of 10k, 100k, 1m, not "many"/],
    [['gen', '--seed', 'abc'], /^ledger gen: --seed: expected a whole number/],
    [['audit'], /^ledger audit: say history or integrity/],
    [['audit', 'history'], /^ledger audit: --person: the person whose history to show is required/],
    [['audit', 'history', '--person', 'p1', '--as-of', 'yesterday'], /^ledger audit: --as-of: expected a date YYYY-MM-DD or a position/],
    [['keys', 'burn'], /^ledger keys: no keys "burn": say list or rotate/],
    [['verify-chain', '--stream'], /^ledger verify-chain: Option '--stream <value>' argument missing/],
    [['rebuild', '--force'], /^ledger rebuild: Unknown option '--force'/],
    [['backup'], /^ledger backup: --out: the file to write the backup to is required/],
    [['restore'], /^ledger restore: --from: the backup file to restore is required/],
    [['schemas', 'everything'], /^ledger schemas: Unexpected argument 'everything'/],
  ];
  for (const [argv, sentence] of cases) {
    const [command, ...rest] = argv;
    const r = await ledger(command!, ...d, ...rest);
    t.equal(r.code, 2, argv.join(' '));
    t.match(r.err, sentence, argv.join(' '));
    t.match(r.err.split('\n')[1], /^usage: ledger /, 'then the usage');
    t.notMatch(r.err, /ZodError|\n\s+at |^\s*[[{]/m, 'no dump, no stack');
    t.equal(r.out, '');
  }
  t.notOk(existsSync(join(tmp.dir, 'data', 'events.db')), 'no bad command opened a store');
  const unknown = await ledger('no-such-command');
  t.equal(unknown.code, 2);
  t.match(unknown.err, /^ledger: no command "no-such-command"\nusage:/);
});
