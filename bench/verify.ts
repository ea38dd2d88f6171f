import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, table, writeSection } from './support/benchmarks-md.js';
import { startHelloWorld, startLedger } from './support/child-server.js';
import type { ChildServer } from './support/child-server.js';
import type { LoadOptions, LoadResult } from './support/http-load.js';
import { loadInChild } from './support/load-child.js';
import { runHeader } from './support/machine.js';
import { seedCertificates } from './support/seed-certificates.js';

const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 2_000);
/** Certificates the load cycles through; autocannon copies the list into each of its 64 connections. */
const POOL = Number(process.env.BENCH_VERIFY_POOL ?? 256);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_VERIFY_ROUNDS ?? 3);
const WARMUP_SECONDS = 2;

export interface VerifyRound {
  verify: LoadResult;
  hello: LoadResult;
}

export interface VerifyBench {
  rounds: VerifyRound[];
  /** The median of the rounds' verify / hello-world ratios. */
  ratio: number;
  /** The worst verify p99 of all rounds, ms. */
  p99: number;
  /** The round whose ratio is the median, for the figures quoted beside the ratio. */
  median: VerifyRound;
  certificates: number;
  pool: number;
}

export const verifyMet = (r: VerifyBench) => r.ratio >= 0.8 && r.p99 <= 10;

/** A server measured after a warm-up (so neither side is timed while its JIT compiles the path), then stopped. */
async function measured(server: ChildServer, o: Omit<LoadOptions, 'url'>): Promise<LoadResult> {
  try {
    return await loadInChild({ ...o, url: server.url, durationSeconds: SECONDS }, WARMUP_SECONDS);
  } finally {
    await server.stop();
  }
}

/**
 * `GET /v1/verify/:no?holder=…` on a server in its own process, over a store holding a few thousand
 * stamped certificates, against a Fastify hello-world (autocannon, 64 connections, loopback, bounded
 * in time). The two alternate for a few rounds and the median ratio is reported: on these shared
 * machines one pair of runs can differ by a quarter from the next.
 */
export async function benchVerify(dataDir?: string): Promise<VerifyBench> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'celedger-verify-'));
  try {
    const seeded = await seedCertificates(dir, CERTIFICATES);
    const step = Math.max(1, Math.floor(seeded.length / POOL));
    const pool = seeded.filter((_, i) => i % step === 0).slice(0, POOL);
    const requests = pool.map((c) => ({ path: `/v1/verify/${c.certificateNumber}?holder=${encodeURIComponent(c.holder)}` }));
    const rounds: VerifyRound[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const hello = await measured(await startHelloWorld(), {});
      const verify = await measured(await startLedger(dir, { LEDGER_VERIFY_RATE_LIMIT: '100000000' }), { requests });
      rounds.push({ hello, verify });
    }
    const ratioOf = (r: VerifyRound) => r.verify.requestsPerSecond / r.hello.requestsPerSecond;
    const byRatio = [...rounds].sort((a, b) => ratioOf(a) - ratioOf(b));
    const median = byRatio[Math.floor(byRatio.length / 2)]!;
    return { rounds, ratio: ratioOf(median), p99: Math.max(...rounds.map((r) => r.verify.p99)), median, certificates: seeded.length, pool: pool.length };
  } finally {
    if (!dataDir) rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;

export function verifySection(r: VerifyBench): string {
  return [
    '## Public verification (`GET /v1/verify/:no?holder=…`)',
    '',
    runHeader('npm run bench:verify'),
    `- ${fmt(r.certificates)} issued and stamped certificates; each request names another of ${fmt(r.pool)} of them and its holder (a list longer than that measures autocannon's cache misses, since it copies the list into every connection); autocannon in a fresh process of its own, 64 connections, loopback; both servers in their own process`,
    `- ${r.rounds.length} rounds, each a ${WARMUP_SECONDS} s warm-up and ${SECONDS} s measured on hello-world, then the same on verify; the ratio is the median round's`,
    '',
    table(
      ['round', 'verify req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'hello-world req/s', 'hello p99 ms', 'ratio'],
      r.rounds.map((x, i) => [
        i + 1,
        fmt(x.verify.requestsPerSecond),
        x.verify.p50,
        x.verify.p99,
        x.verify.non2xx,
        x.verify.errors,
        fmt(x.hello.requestsPerSecond),
        x.hello.p99,
        pct(x.verify.requestsPerSecond / x.hello.requestsPerSecond),
      ]),
    ),
    '',
    `Ratio: ${pct(r.ratio)} of hello-world (target ≥ 80%), worst p99 ${r.p99} ms (target ≤ 10 ms): ${verifyMet(r) ? 'met' : 'NOT met'}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchVerify();
  const md = verifySection(r);
  writeSection('verify', md);
  process.stdout.write(`${md}\n`);
}
