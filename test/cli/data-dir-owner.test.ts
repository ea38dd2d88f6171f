import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { DataDirLocked, lockDataDir } from '../../src/store/data-dir-lock.js';
import { tempDir } from '../support/tmp.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const env = { ...process.env, LEDGER_LOG_LEVEL: 'info' };

function ledger(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import=tsx', main, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function start(...args: string[]): { proc: ChildProcess; out: () => string } {
  const proc = spawn(process.execPath, ['--import=tsx', main, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { proc, out: () => out };
}

async function until<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const exited = (p: ChildProcess) => new Promise<number | null>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve(p.exitCode) : p.once('exit', (code) => resolve(code))));

/** Gone, or a zombie nobody reaps (an orphan in a container whose PID 1 does not wait). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The first child of `pid`, from /proc (its `children` file, or every process's parent when the kernel has no such file). */
function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(entry);
      } catch {
        // the process ended meanwhile
      }
    }
    return undefined;
  }
}

t.test('in one process: the lock is exclusive, names its holder, and is free again once released', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const lock = lockDataDir(tmp.dir, 'serve');
  const second = (() => {
    try {
      lockDataDir(tmp.dir, 'rebuild');
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  t.ok(second instanceof DataDirLocked, 'a second lock is refused');
  t.same((second as DataDirLocked).holder?.pid, process.pid);
  t.match((second as Error).message, new RegExp(`ledger serve\` \\(PID ${process.pid},`));
  lock.release();
  lockDataDir(tmp.dir, 'rebuild').release();
});

t.test('a second serve, a rebuild and a gen on a served data dir exit at once naming the server; kill -9 frees the dir', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = ['--data-dir', tmp.dir];
  const server = start('serve', '--port', '0', ...dir);
  t.teardown(() => void server.proc.kill('SIGKILL'));
  await until('the server to listen', () => server.out().includes('celedger serving'));
  const pid = server.proc.pid!;
  for (const args of [['serve', '--port', '0'], ['rebuild'], ['gen', '--persons', '5']]) {
    const started = Date.now();
    const r = ledger(...args, ...dir);
    t.equal(r.code, 1, `${args[0]} refused`);
    t.match(r.err, new RegExp(`in use by \`ledger serve\` \\(PID ${pid},`), `${args[0]} names the holder's PID`);
    t.notMatch(r.out, /celedger serving|rebuilt|wrote/, `${args[0]} did nothing`);
    t.ok(Date.now() - started < 20_000, `${args[0]} exits at once`);
  }
  server.proc.kill('SIGKILL');
  await exited(server.proc);
  const next = start('serve', '--port', '0', ...dir);
  t.teardown(() => void next.proc.kill('SIGKILL'));
  await until('a new server after kill -9 of the old one', () => next.out().includes('celedger serving'));
  next.proc.kill('SIGTERM');
  t.equal(await exited(next.proc), 0, 'the new server owns the dir and shuts down cleanly');
});

t.test("rebuild's child ends with its wrapper: kill -9 of the wrapper, and a forwarded SIGTERM", async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = ['--data-dir', tmp.dir];
  t.equal(ledger('gen', '--persons', '400', ...dir).code, 0);

  for (const how of ['SIGKILL', 'SIGTERM'] as const) {
    const wrapper = start('rebuild', ...dir);
    t.teardown(() => void wrapper.proc.kill('SIGKILL'));
    const child = await until('the rebuild child', () => childOf(wrapper.proc.pid!));
    // Frozen while it starts, so that it is surely still to do its work when the wrapper is hit.
    process.kill(child, 'SIGSTOP');
    wrapper.proc.kill(how);
    if (how === 'SIGKILL') await exited(wrapper.proc);
    process.kill(child, 'SIGCONT');
    await until(`the child to end after ${how} of the wrapper`, () => !alive(child), 20_000).catch((err: Error) => {
      process.kill(child, 'SIGKILL');
      throw err;
    });
    const code = await exited(wrapper.proc);
    if (how === 'SIGTERM') t.equal(code, 128 + 15, 'the wrapper answers with the signal that ended its child');
    t.notMatch(wrapper.out(), /rebuilt/, `after ${how} the child did not go on to finish the rebuild`);
  }
  const done = ledger('rebuild', ...dir);
  t.equal(done.code, 0, 'the dir is free: a rebuild runs');
  t.match(done.out, /^rebuilt 3\d{3} events/);
});
