import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { request } from 'undici';
import { logRoutes } from '../src/http/routes/log.js';
import { openReadSide } from '../src/runner/read-side.js';
import { dropReadModels } from '../src/runner/read-model-db.js';
import { protectIdNumber } from '../src/security/id-number.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { LogFollower } from '../src/tlog/follower.js';
import { TransparencyLog } from '../src/tlog/log.js';
import type { LogEntry } from '../src/tlog/log.js';
import { NoteSigner } from '../src/tlog/note.js';
import { generateWorkload } from '../src/workload/generate.js';
import { writeWorkload } from '../src/workload/write.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';
import { REBUILD_NODE_OPTIONS, rerunWith, runsWith } from '../src/cli/node-options.js';

/** About two seconds a run: at 10,000 (half a second), which of a pair ran first moved its figure by a sixth. */
const APPENDS = Number(process.env.BENCH_TLOG_APPENDS ?? 40_000);
const LEAVES = Number(process.env.BENCH_TLOG_LEAVES ?? 10_000_000);
const PROOFS = Number(process.env.BENCH_TLOG_PROOFS ?? 3_000);
const PERSONS = Number(process.env.BENCH_TLOG_PERSONS ?? 15_000);
const CALLERS = 64;
const WARM_UP = 300;
/** Rounds of each with/without pair, half of them with each first: the ratios' geometric mean is reported. */
const ROUNDS = Number(process.env.BENCH_TLOG_ROUNDS ?? 8);
/**
 * The appends' rounds: a round's ratio moves by up to a sixth either way on this machine, several
 * times the log's share of an append's CPU, so twice the rebuild's rounds halve what the mean moves.
 */
const APPEND_ROUNDS = Number(process.env.BENCH_TLOG_APPEND_ROUNDS ?? 2 * ROUNDS);
const log = (s: string) => process.stderr.write(`[bench:tlog ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const signer = NoteSigner.fromPem('bench.celedger.local/log', NoteSigner.generatePem());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The rounds' ratios averaged so that a pair's order, which alternates, cancels out. */
const meanRatio = (ratios: number[]) => Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);

/**
 * Single-event appends from 64 callers to a store followed as the server follows it: the read
 * side's runner, which with the log also hands each event to it (opened as a server opens it, full
 * tiles hashed on a second thread; commits every 200 ms, a signed checkpoint every second).
 */
async function appendRate(dir: string, withLog: boolean): Promise<number> {
  const store = SqliteEventStore.open({ file: join(dir, `events-${randomUUID()}.db`) });
  const tl = withLog ? TransparencyLog.open({ file: join(dir, `tlog-${randomUUID()}.db`), signer, hashThread: true }) : undefined;
  const follower = tl ? new LogFollower(store, tl, { checkpointMs: 1_000 }) : undefined;
  follower?.start();
  const read = openReadSide(store, join(dir, `readmodels-${randomUUID()}.db`), follower ? { runner: { onEvents: (events) => follower.accept(events) } } : {});
  read.runner.start();
  // A server is started before it is written to: the log's hashing thread has booted by then.
  await new Promise((r) => setTimeout(r, 100));
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < APPENDS) {
        const i = next++;
        await store.append(`person-p${i}`, [{ eventId: randomUUID(), type: 'CompletionRecorded', data: { personId: `p${i}`, courseId: 'c1', hours: 30, completedOn: '2014-05-13' }, metadata: { actor: { role: 'institution', id: 'i1' } } }]);
      }
    }),
  );
  await read.runner.waitForPosition(await store.headPosition(), 60_000);
  await follower?.settle();
  const rate = APPENDS / (Number(process.hrtime.bigint() - started) / 1e9);
  await read.close();
  await follower?.stop();
  tl?.close();
  await store.close();
  return rate;
}

/** Whether a page from `from` to `to` reaches a multiple of `every` (pages need not divide it). */
const passes = (from: number, to: number, every: number) => Math.floor(to / every) > Math.floor(from / every);

/**
 * The tree built straight from 32-byte entries (what `ledger rebuild` feeds it), into a log opened
 * as LogRebuild opens it (bulk: tiles hashed on a second thread too), handed over as LogRebuild is
 * handed them, a rebuild's page of 8,000 at a time, and committed every 100,000 as it commits. The
 * entries of each page are made first and only the log's work is timed, the final commit, signature
 * and sync to disk included (the syncs each commit starts in the background run on). Then the log
 * is opened again as a server opens it.
 */
async function buildTree(dir: string): Promise<{ log: TransparencyLog; rate: number; cpuRate: number }> {
  const file = join(dir, 'tlog-10m.db');
  const tl = TransparencyLog.open({ file, signer, bulk: true });
  const seed = createHash('sha256').update('bench').digest();
  const PAGE = 8_000;
  const COMMIT_EVERY = 100_000;
  let wallNs = 0;
  let cpuUs = 0;
  for (let from = 0; from < LEAVES; from += PAGE) {
    const chunk: LogEntry[] = [];
    for (let i = from; i < Math.min(LEAVES, from + PAGE); i++) {
      seed.writeUInt32BE(i, 0);
      chunk.push({ position: BigInt(i + 1), streamId: `person-p${i % 100_000}`, revision: BigInt(Math.floor(i / 100_000)), hash: seed.toString('hex') });
    }
    const cpu = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const e of chunk) tl.append(e);
    const to = from + chunk.length;
    if (passes(from, to, COMMIT_EVERY)) tl.commit();
    wallNs += Number(process.hrtime.bigint() - t0);
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system;
    if (passes(from, to, 1_000_000)) log(`tree: ${fmt(to)} leaves`);
    // As between a rebuild's pages: the event loop turns, and the background sync a commit started ends.
    await new Promise((r) => setImmediate(r));
  }
  const cpu = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  tl.sign();
  tl.close();
  wallNs += Number(process.hrtime.bigint() - t0);
  const used = process.cpuUsage(cpu);
  cpuUs += used.user + used.system;
  return { log: TransparencyLog.open({ file, signer }), rate: LEAVES / (wallNs / 1e9), cpuRate: LEAVES / (cpuUs / 1e6) };
}

/** Inclusion proofs over HTTP, and the same proofs computed in-process (what the server spends on one). */
async function proofLatency(tl: TransparencyLog): Promise<{ p50: number; p99: number; rps: number; computeP99: number }> {
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  logRoutes(app, { log: tl, witnesses: [] });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const size = tl.size;
  // A server that has answered a few hundred requests: the first ones run the route's code cold.
  for (let i = 0; i < WARM_UP; i++) await (await request(`${url}/v1/log/proof/inclusion?index=${Math.floor(Math.random() * size)}&size=${size}`)).body.json();
  const times: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < PROOFS; i++) {
    const index = Math.floor(Math.random() * size);
    const t0 = process.hrtime.bigint();
    const res = await request(`${url}/v1/log/proof/inclusion?index=${index}&size=${size}`);
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`proof ${index}: ${res.statusCode}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await app.close();
  const compute: number[] = [];
  for (let i = 0; i < PROOFS; i++) {
    const index = Math.floor(Math.random() * size);
    const t0 = process.hrtime.bigint();
    tl.inclusionProof(index, size);
    compute.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  compute.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p99: times[Math.floor(times.length * 0.99)]!, rps: PROOFS / seconds, computeP99: compute[Math.floor(compute.length * 0.99)]! };
}

/** The read models rebuilt from position 0, checking every hash and link or not. */
async function rebuildRate(dir: string, verify: boolean): Promise<number> {
  const store = SqliteEventStore.open({ file: join(dir, 'events.db') });
  const file = join(dir, 'readmodels.db');
  dropReadModels(file);
  const read = openReadSide(store, file, { runner: { verify } });
  const started = process.hrtime.bigint();
  const folded = await read.runner.catchUp();
  const rate = folded / (Number(process.hrtime.bigint() - started) / 1e9);
  await read.close();
  await store.close();
  return rate;
}

export interface TlogBench {
  appends: { without: number; with: number }[];
  tree: { leaves: number; rate: number; cpuRate: number };
  proofs: { p50: number; p99: number; rps: number; computeP99: number };
  rebuild: { events: number; runs: { plain: number; verified: number }[] };
}

export async function benchTlog(): Promise<TlogBench> {
  const dir = mkdtempSync(join(tmpdir(), 'celedger-tlog-'));
  try {
    const appends: TlogBench['appends'] = [];
    for (let round = 0; round < APPEND_ROUNDS; round++) {
      // Alternating which goes first, so neither always meets a warmer machine.
      const first = await appendRate(dir, round % 2 === 1);
      const second = await appendRate(dir, round % 2 === 0);
      appends.push(round % 2 === 1 ? { with: first, without: second } : { without: first, with: second });
      log(`appends round ${round + 1}: without ${fmt(appends.at(-1)!.without)}/s, with ${fmt(appends.at(-1)!.with)}/s`);
    }
    const pepper = Buffer.alloc(32, 3);
    const writeStore = SqliteEventStore.open({ file: join(dir, 'events.db') });
    const written = await writeWorkload(writeStore, generateWorkload({ persons: PERSONS, protectId: (id) => protectIdNumber(pepper, id) }));
    await writeStore.close();
    const runs: TlogBench['rebuild']['runs'] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const plainFirst = round % 2 === 0;
      const a = await rebuildRate(dir, !plainFirst);
      const b = await rebuildRate(dir, plainFirst);
      runs.push(plainFirst ? { plain: a, verified: b } : { verified: a, plain: b });
      log(`rebuild round ${round + 1}: plain ${fmt(runs.at(-1)!.plain)}/s, verified ${fmt(runs.at(-1)!.verified)}/s`);
    }
    const { log: tl, rate, cpuRate } = await buildTree(dir);
    log(`tree: ${fmt(rate)} leaves/s (${fmt(cpuRate)} per CPU-second)`);
    const proofs = await proofLatency(tl);
    tl.close();
    return { appends, tree: { leaves: LEAVES, rate, cpuRate }, proofs, rebuild: { events: written.events, runs } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What was found by profiling on this machine, for the targets this run missed. */
function notes(b: TlogBench): string[] {
  const load = os.loadavg()[0]!.toFixed(1);
  const appendRatio = meanRatio(b.appends.map((a) => a.with / a.without));
  const lines = [
    appendRatio < 0.9 &&
      `- appends: the log adds per event, in the server's thread and after the append is acknowledged, the keeping of its entry, a share of the partial tile's hashes at each commit and read, and the commits themselves (every 200 ms) and a signature every second; full tiles are hashed on a second thread, which competes for the same two cores (load average ${load} at the end).`,
    meanRatio(b.rebuild.runs.map((r) => r.verified / r.plain)) < 0.8 &&
      `- checked rebuild: the verifier thread reads every event a second time (SQLite assembling the canonical text the hash covers) and hashes it, on a machine whose two cores the fold and the writer already keep busy; the unchecked rebuild is bound by the fold alone (load average ${load} at the end).`,
    b.tree.rate < 500_000 &&
      `- tree rebuild: per leaf, three SHA-256 compressions (in JS, on the hasher's thread, which the log's thread joins at each commit) and, on the log's thread, the entry's decoding, its row (JSON of the streams) and its share of the commit; the two threads only run side by side when the machine has a core free for each (load average ${load} at the end).`,
    b.proofs.p99 > 5 &&
      `- inclusion proof: computing one in-process took p99 ${b.proofs.computeP99.toFixed(2)} ms (it reads one stored level-0 tile and one entry row and hashes at most 7 nodes); the rest of the HTTP p99 (p50 ${b.proofs.p50.toFixed(2)} ms) is the round trip on a machine whose other sessions held the cores (load average ${load}).`,
  ].filter((l): l is string => typeof l === 'string');
  return lines.length > 0 ? ['', 'Why the misses, as measured here:', ...lines, ''] : [''];
}

export function tlogSection(b: TlogBench, command = 'npm run bench:tlog'): string {
  const appendRatio = meanRatio(b.appends.map((a) => a.with / a.without));
  const rebuildRatio = meanRatio(b.rebuild.runs.map((r) => r.verified / r.plain));
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    '## Verifiable log',
    '',
    runHeader(command),
    `- load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} at the end of the run`,
    `- appends: ${fmt(APPENDS)} single-event appends from ${CALLERS} callers, on a fresh store followed by the read side's runner as in the server, without and with the log (opened as a server opens it, full tiles hashed on a second thread; fed by that runner, commits every 200 ms, a signed checkpoint every second), timed until the read side and the log hold the last event; ${APPEND_ROUNDS} rounds, alternating which goes first; the ratio is the geometric mean of the rounds' ratios, the figures the medians`,
    `- rebuild: the read models rebuilt from position 0 over ${fmt(b.rebuild.events)} events (${fmt(PERSONS)} synthetic persons), with every hash and link checked and without; ${ROUNDS} rounds, alternating, the ratio as for the appends`,
    `- tree: ${fmt(b.tree.leaves)} leaves appended straight to a log opened as \`ledger rebuild\` opens it (32-byte entries, handed over in pages of 8,000 as a rebuild hands them, each page made before it and not timed; committed every 100,000; one checkpoint signed and the file synced to disk at the end, timed, a sync having started in the background after each commit); then, the log opened again as a server opens it, ${fmt(PROOFS)} inclusion proofs of random leaves in the full tree, one at a time over HTTP (undici, loopback), after ${WARM_UP} not timed`,
    '',
    table(
      ['what', 'figure', 'ceiling (same run)', 'ratio', 'target', 'verdict'],
      [
        ['single-event appends with the log', `${fmt(median(b.appends.map((a) => a.with)))}/s`, `without: ${fmt(median(b.appends.map((a) => a.without)))}/s`, ratio(appendRatio, 1), '≥ 90%', met(appendRatio >= 0.9)],
        ['rebuild checking every hash and link', `${fmt(median(b.rebuild.runs.map((r) => r.verified)))} events/s`, `unchecked: ${fmt(median(b.rebuild.runs.map((r) => r.plain)))} events/s`, ratio(rebuildRatio, 1), '≥ 80%', met(rebuildRatio >= 0.8)],
        ['tree rebuild', `${fmt(b.tree.rate)} leaves/s (${fmt(b.tree.cpuRate)} per CPU-second of this process, both threads)`, '—', '—', '≥ 500,000/s', met(b.tree.rate >= 500_000)],
        [`inclusion proof at ${fmt(b.tree.leaves)} leaves, over HTTP`, `p50 ${b.proofs.p50.toFixed(2)} ms, p99 ${b.proofs.p99.toFixed(2)} ms (${fmt(b.proofs.rps)}/s); computing one in-process: p99 ${b.proofs.computeP99.toFixed(2)} ms`, '—', '—', 'p99 ≤ 5 ms', met(b.proofs.p99 <= 5)],
      ],
    ),
    ...notes(b),
    table(
      ['round', 'appends without', 'appends with', 'rebuild unchecked', 'rebuild checked'],
      Array.from({ length: Math.max(b.appends.length, b.rebuild.runs.length) }, (_, i) => {
        const [a, r] = [b.appends[i], b.rebuild.runs[i]];
        return [i + 1, a ? fmt(a.without) : '—', a ? fmt(a.with) : '—', r ? fmt(r.plain) : '—', r ? fmt(r.verified) : '—'];
      }),
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Measured as `ledger rebuild` runs: with its V8 options.
  if (!runsWith(REBUILD_NODE_OPTIONS)) process.exit(await rerunWith(REBUILD_NODE_OPTIONS));
  const b = await benchTlog();
  const section = tlogSection(b);
  writeSection('tlog', section);
  process.stdout.write(`${section}\n`);
}
