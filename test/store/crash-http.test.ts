import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Principal } from '../../src/security/principal.js';
import { loadSecrets } from '../../src/security/secrets.js';
import { signToken } from '../../src/security/tokens.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { Rng, syntheticIdNumber } from '../../src/workload/rng.js';
import { tempDir } from '../support/tmp.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const WRITERS = 16;
const ROUNDS = 3;

interface Server {
  proc: ChildProcess;
  url: string;
}

function serve(dataDir: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import=tsx', main, 'serve', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, LEDGER_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('celedger serving'));
      if (line) {
        proc.stdout!.removeAllListeners('data');
        proc.stdout!.resume();
        resolve({ proc, url: (JSON.parse(line) as { address: string }).address });
      }
    });
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened: ${out}`)));
  });
}

const exited = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

/** What a 201 says of the write (an institution's completion does not tell the person's stream revision). */
interface Ack {
  streamId: string;
  position: string;
}

/** Writers post registrations and completions until the server dies; every 201 is kept. */
async function writeUntilKilled(server: Server, tokens: Record<'employer' | 'institution', string>, round: number, killAfterMs: number): Promise<Ack[]> {
  const acks: Ack[] = [];
  let dead = false;
  const post = async (token: string, path: string, body: object): Promise<boolean> => {
    try {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const json = (await res.json()) as Ack;
      if (res.status === 201) acks.push({ streamId: json.streamId, position: json.position });
      else if (res.status >= 500) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return res.status === 201;
    } catch (err) {
      if (dead) return false;
      throw err;
    }
  };
  const writer = async (w: number) => {
    const rng = new Rng(round * 1000 + w);
    for (let n = 0; !dead; n++) {
      const personId = `r${round}w${w}n${n}`;
      const registered = await post(tokens.employer, '/v1/persons', { personId, idNumber: syntheticIdNumber(rng, '410102'), name: '王小明', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' });
      if (registered) await post(tokens.institution, '/v1/completions', { personId, courseId: 'c1', completedOn: '2025-05-08', assessment: 'passed' });
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  await new Promise((r) => setTimeout(r, killAfterMs));
  dead = true;
  server.proc.kill('SIGKILL');
  await Promise.all(writers);
  await exited(server.proc);
  return acks;
}

function tables(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'unsynced' ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(names.map((n) => [n, db.prepare(`SELECT * FROM ${n} ORDER BY 1, 2`).raw().all()]));
  } finally {
    db.close();
  }
}

t.test('kill -9 of the server under concurrent HTTP writes: every 201 survives, chains hold, read models match a rebuild', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dataDir = join(tmp.dir, 'data');
  let server = await serve(dataDir);
  t.teardown(() => void server.proc.kill('SIGKILL'));
  const { jwtKey } = loadSecrets(dataDir);
  const token = (p: Principal) => signToken(jwtKey, p);
  const tokens = { employer: token({ role: 'employer', sub: 'emp-1' }), institution: token({ role: 'institution', sub: 'inst-a' }) };
  const bureau = token({ role: 'bureau', sub: 'zz-city', jurisdiction: 'zhengzhou', level: 'city' });
  const setup = async (tok: string, path: string, body: object) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  await setup(bureau, '/v1/institutions', { institutionId: 'inst-a', name: '郑州继续教育基地', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2024-01-10' });
  await setup(tokens.institution, '/v1/courses', { courseId: 'c1', institutionId: 'inst-a', title: '建设工程新规范', category: 'professional', hours: 30, level: 'city', mode: 'in-person', startsOn: '2025-05-05', endsOn: '2025-05-08', filedOn: '2025-04-01' });

  const acks: Ack[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) server = await serve(dataDir);
    const got = await writeUntilKilled(server, tokens, round, 300 + Math.floor(Math.random() * 900));
    t.ok(got.length > 0, `round ${round}: ${got.length} writes acknowledged before the kill`);
    acks.push(...got);
  }

  // A restart folds what the killed server had not; then a clean stop.
  server = await serve(dataDir);
  const health = await fetch(`${server.url}/ready`);
  t.equal(health.status, 200, 'the restarted server is ready');
  server.proc.kill('SIGTERM');
  await exited(server.proc);

  const store = SqliteEventStore.open({ file: join(dataDir, 'events.db') });
  try {
    let missing = 0;
    for (const a of acks) {
      const [e] = await store.readPage(BigInt(a.position), 1);
      if (!e || e.position !== BigInt(a.position) || e.streamId !== a.streamId) missing++;
    }
    t.equal(missing, 0, `all ${acks.length} acknowledged writes are there, at the positions answered`);
    const persons = new Set<string>();
    const reservedFor: string[] = [];
    for await (const e of store.readAll()) {
      if (e.type === 'PersonRegistered') persons.add(String(e.data.personId));
      if (e.type === 'IdNumberReserved') reservedFor.push(String(e.data.personId));
    }
    const orphans = reservedFor.filter((p) => !persons.has(p)).length;
    t.ok(orphans <= WRITERS * ROUNDS, `${orphans} reservations without their person: at most the registrations in flight at the kills (which a retry completes)`);
    const chains = await store.verifyAll();
    t.ok(chains.ok, `every chain intact (${chains.events} events)`);
  } finally {
    await store.close();
  }

  const fresh = join(tmp.dir, 'fresh');
  mkdirSync(fresh);
  copyFileSync(join(dataDir, 'events.db'), join(fresh, 'events.db'));
  const rebuilt = spawnSync(process.execPath, ['--import=tsx', main, 'rebuild', '--data-dir', fresh], { encoding: 'utf8', env: { ...process.env, LEDGER_LOG_LEVEL: 'silent' } });
  t.equal(rebuilt.status, 0, rebuilt.status === 0 ? 'a fresh rebuild of a copy of the events' : rebuilt.stderr);
  t.same(tables(join(dataDir, 'readmodels.db')), tables(join(fresh, 'readmodels.db')), 'the read models after the kills equal a fresh rebuild');
});
