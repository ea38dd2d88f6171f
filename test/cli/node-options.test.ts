import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SERVE_NODE_OPTIONS } from '../../src/cli/node-options.js';
import { tempDir } from '../support/tmp.js';

const MB = 1024 * 1024;

t.test('npm start runs the server with its V8 options, and the benchmarks measure that server', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  t.equal(pkg.scripts.start, `node ${SERVE_NODE_OPTIONS.join(' ')} dist/src/cli/main.js serve`);
  const bench = readFileSync(new URL('../../bench/support/child-server.ts', import.meta.url), 'utf8');
  t.match(bench, /\[\.\.\.SERVE_NODE_OPTIONS, main, 'serve'/, 'startLedger passes them');
});

t.test('V8 takes the options: a young generation of 64 MB from the start', async (t) => {
  const probe = "const v8=require('v8');const s=v8.getHeapSpaceStatistics().find((x)=>x.space_name==='new_space');process.stdout.write(String(s.space_size))";
  const served = spawnSync(process.execPath, [...SERVE_NODE_OPTIONS, '-e', probe], { encoding: 'utf8' });
  t.equal(served.status, 0, served.stderr);
  t.equal(Number(served.stdout), 64 * MB, 'the new space is 64 MB at start-up');
  const plain = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  t.ok(Number(plain.stdout) < 64 * MB, `V8's default starts smaller (${Number(plain.stdout) / MB} MB)`);
});

t.test('serve says so when started without them', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'a-file');
  writeFileSync(file, '');
  const main = new URL('../../src/cli/main.ts', import.meta.url).pathname;
  // A data dir under a plain file cannot be opened, so serve stops; its warning comes first.
  const r = spawnSync(process.execPath, ['--import=tsx', main, 'serve', '--data-dir', join(file, 'data')], {
    encoding: 'utf8',
    env: { ...process.env, LEDGER_LOG_LEVEL: 'warn' },
    timeout: 30_000,
  });
  t.not(r.status, 0, 'it did not serve');
  t.match(r.stdout, /started without the V8 options of the server/);
  t.match(r.stdout, /--initial-old-space-size=512/);
});
