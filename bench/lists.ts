import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JURISDICTIONS } from '../schemas/common.js';
import { REBUILD_NODE_OPTIONS } from '../src/cli/node-options.js';
import { loadSecrets } from '../src/security/secrets.js';
import { signToken } from '../src/security/tokens.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { startHelloWorld, startLedger } from './support/child-server.js';
import type { ChildServer } from './support/child-server.js';
import type { LoadResult } from './support/http-load.js';
import { runHeader } from './support/machine.js';
import { LEDGER_MAIN, runNode } from './support/node-child.js';
import { gentlestLoad } from './support/wrk-load.js';

const PERSONS = Number(process.env.BENCH_LIST_PERSONS ?? 1_000_000);
/** A data dir `ledger gen` wrote earlier, to measure again without generating it anew (kept after the run). */
const DATA_DIR = process.env.BENCH_LIST_DATA_DIR;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Untimed load before each measured run: the servers' caches and JIT warm, as in service. */
const WARMUP_SECONDS = 2;

export interface ListBench {
  /** The load generator: wrk when installed (it takes the server less of the machine), autocannon otherwise. */
  generator: 'wrk' | 'autocannon';
  persons: number;
  events: number;
  hello: LoadResult;
  lists: { name: string; route: string; result: LoadResult }[];
}

const ledger = (args: string[], nodeOptions: readonly string[] = []): Promise<string> => runNode([LEDGER_MAIN, ...args], nodeOptions);

/**
 * Pages of 50 of the list views on a data dir of `persons` synthetic persons (`ledger gen`, then
 * `ledger rebuild`), 64 connections each, beside a Fastify hello-world in the same run. Every request
 * asks for another employer's staff or another page start, so no one row stays hot.
 */
export async function benchLists(persons = PERSONS): Promise<ListBench> {
  const reuse = DATA_DIR !== undefined && existsSync(join(DATA_DIR, 'events.db'));
  const dir = DATA_DIR ?? mkdtempSync(join(tmpdir(), 'celedger-lists-'));
  const servers: ChildServer[] = [];
  const { generator, load } = gentlestLoad();
  try {
    if (!reuse) await ledger(['gen', '--persons', String(persons), '--data-dir', dir]);
    const rebuilt = await ledger(['rebuild', '--data-dir', dir], REBUILD_NODE_OPTIONS);
    const events = Number(/rebuilt (\d+) events/.exec(rebuilt)?.[1] ?? 0);
    const { jwtKey } = loadSecrets(dir);
    const auditor = { authorization: `Bearer ${signToken(jwtKey, { role: 'auditor', sub: 'bench' }, 3600)}` };
    const bureau = { authorization: `Bearer ${signToken(jwtKey, { role: 'bureau', sub: 'zz-city', jurisdiction: 'zhengzhou', level: 'city' }, 3600)}` };
    const hello = await startHelloWorld();
    servers.push(hello);
    const server = await startLedger(dir);
    servers.push(server);
    await load({ url: `${hello.url}/`, durationSeconds: WARMUP_SECONDS, connections: 16 });
    const helloResult = await load({ url: `${hello.url}/`, durationSeconds: SECONDS });
    const employers = JURISDICTIONS.flatMap((j) => Array.from({ length: 200 }, (_, i) => `${j}-emp-${i}`));
    const lists = [
      {
        name: "an employer's staff, page of 50",
        route: 'GET /v1/employers/:id/staff?year=2014&limit=50',
        requests: employers.map((e) => ({ method: 'GET' as const, path: `/v1/employers/${e}/staff?year=2014&limit=50`, headers: auditor })),
      },
      {
        name: 'short staff only, page of 50',
        route: 'GET /v1/employers/:id/staff?year=2014&compliant=false&limit=50',
        requests: employers.map((e) => ({ method: 'GET' as const, path: `/v1/employers/${e}/staff?year=2014&compliant=false&limit=50`, headers: auditor })),
      },
      {
        name: 'persons of a jurisdiction by name, page of 50',
        route: 'GET /v1/persons?name=…&limit=50',
        requests: Array.from({ length: 100 }, (_, i) => ({ method: 'GET' as const, path: `/v1/persons?limit=50&name=${encodeURIComponent(`测试${i}`)}`, headers: bureau })),
      },
      {
        name: 'courses of a jurisdiction, page of 50',
        route: 'GET /v1/courses?limit=50',
        requests: [{ method: 'GET' as const, path: '/v1/courses?limit=50', headers: bureau }],
      },
    ];
    // Every route warms before any is measured: the first one measured after `ledger rebuild` would
    // otherwise also pay for the server's first pass over the freshly written read models.
    for (const l of lists) await load({ url: server.url, durationSeconds: WARMUP_SECONDS, connections: 16, requests: l.requests });
    const results: ListBench['lists'] = [];
    for (const l of lists) {
      await load({ url: server.url, durationSeconds: WARMUP_SECONDS, connections: 16, requests: l.requests });
      const result = await load({ url: server.url, durationSeconds: SECONDS, requests: l.requests });
      results.push({ name: l.name, route: l.route, result });
    }
    return { generator, persons, events, hello: helloResult, lists: results };
  } finally {
    for (const s of servers) await s.stop();
    if (DATA_DIR === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

export function listsSection(b: ListBench, command = 'npm run bench:lists'): string {
  const hello = b.hello.requestsPerSecond;
  return [
    '## List views at scale',
    '',
    runHeader(command),
    `- ${fmt(b.persons)} synthetic persons (${fmt(b.events)} events, \`ledger gen\` then \`ledger rebuild\`); 64 connections, ${SECONDS} s per route after ${WARMUP_SECONDS} s of warm-up; each request names another employer or name prefix`,
    `- load generator: ${b.generator === 'wrk' ? "wrk (Debian's, C, one thread), on the same two cores as the servers" : 'autocannon (Node, one thread), on the same two cores as the servers; `apt-get install wrk` to measure with a generator that takes them less CPU'}`,
    '',
    table(
      ['list', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'hello-world (same run)', 'ratio', 'target p99 ≤ 20 ms'],
      b.lists.map((l) => [`${l.name} (\`${l.route}\`)`, fmt(l.result.requestsPerSecond), l.result.p50, l.result.p99, l.result.non2xx + l.result.errors, `${fmt(hello)} req/s`, ratio(l.result.requestsPerSecond, hello), l.result.p99 <= 20 ? 'met' : 'NOT met']),
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const b = await benchLists();
  const md = listsSection(b);
  writeSection('lists', md);
  process.stdout.write(`${md}\n`);
}
