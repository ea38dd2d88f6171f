import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import type { Principal } from '../src/security/principal.js';
import { protectIdNumber } from '../src/security/id-number.js';
import { loadSecrets } from '../src/security/secrets.js';
import { signToken } from '../src/security/tokens.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../src/workload/generate.js';
import { writeWorkload } from '../src/workload/write.js';
import { fmt, percent, table, writeSection } from './support/benchmarks-md.js';
import { startLedger } from './support/child-server.js';
import { runHeader } from './support/machine.js';

const PERSONS = Number(process.env.BENCH_FEED_PERSONS ?? 10_000);
const ROUNDS = 5;
const CONSUMERS = 16;
const LIVE_APPENDS = Number(process.env.BENCH_FEED_APPENDS ?? 300);
/** Appends per second during the lag measurement: a busy bureau day is far below this. */
const APPEND_RATE = 100;

export interface FeedBench {
  events: number;
  /** The median round's. */
  ceiling: number;
  catchUp: number;
  rounds: { ceiling: number; catchUp: number }[];
  scopedCatchUp: number;
  scopedDelivered: number;
  /** From sending the append (write and fsync included). */
  lag: Lag;
  /** From the writer having the append's answer: the feed's own part (negative when a consumer had it first). */
  ackLag: Lag;
}

interface Lag {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

const log = (s: string) => process.stderr.write(`[bench:feed ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The ceiling: the store's own `$all` read with decoding (what `readAll` gives a caller), in this process. */
async function readAllDecoded(file: string): Promise<{ rate: number; events: number }> {
  const store = SqliteEventStore.open({ file });
  const start = process.hrtime.bigint();
  let n = 0;
  for await (const e of store.readAll()) if (e.position > 0n) n++;
  const rate = n / seconds(start);
  await store.close();
  return { rate, events: n };
}

function headOf(file: string): bigint {
  const db = new Database(file, { readonly: true });
  try {
    return BigInt(db.prepare('SELECT max(position) FROM events').pluck().get() as number);
  } finally {
    db.close();
  }
}

/** Reads the NDJSON feed until `count` items have come (lines with a position); events/s. node:http, the lightest client. */
function catchUp(url: string, token: string, count: number, query = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = httpGet(`${url}/v1/feed${query}`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let items = 0;
      res.on('data', (chunk: Buffer) => {
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) items++;
        if (items >= count) {
          const rate = count / seconds(start);
          res.destroy();
          resolve(rate);
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
  });
}

/** How many items a consumer's feed gives from the start to the head (its scope), counted once. */
async function countUntilIdle(url: string, token: string, query: string): Promise<number> {
  const agent = new Agent({ connections: 1 });
  const res = await request(`${url}/v1/feed${query}`, { dispatcher: agent, headers: { authorization: `Bearer ${token}` } });
  let items = 0;
  let idle: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    res.body.on('error', () => undefined);
    const done = () => {
      res.body.destroy();
      resolve();
    };
    res.body.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) items++;
      clearTimeout(idle);
      idle = setTimeout(done, 1500);
    });
    idle = setTimeout(done, 5000);
  });
  await agent.destroy();
  return items;
}

/**
 * Live lag: 16 NDJSON consumers attached at the head; courses filed over HTTP at a steady rate;
 * each consumer notes when each course reaches it. Lag is from the moment the append request is
 * sent (so it includes the write and its fsync) to the moment a consumer has the line.
 */
async function liveLag(url: string, tokens: string[], institution: string, head: bigint): Promise<{ lag: Lag; ackLag: Lag }> {
  const sentAt = new Map<string, bigint>();
  const ackedAt = new Map<string, bigint>();
  const arrivals: [courseId: string, at: bigint][] = [];
  const agents: Agent[] = [];
  const bodies: { destroy(): void }[] = [];
  let received = 0;
  for (let c = 0; c < CONSUMERS; c++) {
    const agent = new Agent({ connections: 1 });
    agents.push(agent);
    const res = await request(`${url}/v1/feed?types=CourseFiled&after=${head}`, { dispatcher: agent, headers: { authorization: `Bearer ${tokens[c % tokens.length]}` } });
    bodies.push(res.body);
    res.body.on('error', () => undefined);
    let rest = '';
    res.body.setEncoding('utf8');
    res.body.on('data', (chunk: string) => {
      const now = process.hrtime.bigint();
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const m = /"courseId":"(lag-\d+)"/.exec(line);
        if (!m || !sentAt.has(m[1]!)) continue;
        arrivals.push([m[1]!, now]);
        received++;
      }
    });
  }
  const writer = new Agent({ connections: 4 });
  const start = Date.now();
  for (let i = 0; i < LIVE_APPENDS; i++) {
    const due = start + (i * 1000) / APPEND_RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const courseId = `lag-${i}`;
    sentAt.set(courseId, process.hrtime.bigint());
    const res = await request(`${url}/v1/courses`, {
      method: 'POST',
      dispatcher: writer,
      headers: { authorization: `Bearer ${institution}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        courseId,
        institutionId: 'zhengzhou-inst-0',
        title: `lag ${i}`,
        category: 'elective',
        hours: 2,
        level: 'city',
        mode: 'online',
        startsOn: '2014-09-01',
        endsOn: '2014-09-02',
        filedOn: '2014-06-01',
      }),
    });
    if (res.statusCode !== 201) throw new Error(`filing ${courseId}: ${res.statusCode} ${await res.body.text()}`);
    ackedAt.set(courseId, process.hrtime.bigint());
    await res.body.dump();
  }
  for (const end = Date.now() + 10_000; received < LIVE_APPENDS * CONSUMERS && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  for (const b of bodies) b.destroy();
  await Promise.all([...agents, writer].map((a) => a.destroy()));
  if (received < LIVE_APPENDS * CONSUMERS) throw new Error(`only ${received} of ${LIVE_APPENDS * CONSUMERS} live deliveries arrived`);
  const round = (x: number) => Math.round(x * 10) / 10;
  const summary = (from: Map<string, bigint>): Lag => {
    const sorted = arrivals.map(([id, at]) => Number(at - from.get(id)!) / 1e6).sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1]!), samples: sorted.length };
  };
  return { lag: summary(sentAt), ackLag: summary(ackedAt) };
}

export async function benchFeed(): Promise<FeedBench> {
  const dir = mkdtempSync(join(tmpdir(), 'celedger-feed-bench-'));
  try {
    const secrets = loadSecrets(dir);
    const file = join(dir, 'events.db');
    const store = SqliteEventStore.open({ file });
    await writeWorkload(store, generateWorkload({ persons: PERSONS, seed: 18, protectId: (n) => protectIdNumber(secrets.idPepper, n) }));
    await store.close();
    const server = await startLedger(dir);
    try {
      const token = (p: Principal) => signToken(secrets.jwtKey, p, 3600);
      const auditor = token({ role: 'auditor', sub: 'bench' });
      const { events } = await readAllDecoded(file);
      log(`${events} events; catch-up`);
      // Warm both paths once (page cache, JIT), then rounds of both, alternating which goes first.
      await catchUp(server.url, auditor, events);
      const rounds: FeedBench['rounds'] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const first = i % 2 === 0;
        const a = first ? (await readAllDecoded(file)).rate : await catchUp(server.url, auditor, events);
        const b = first ? await catchUp(server.url, auditor, events) : (await readAllDecoded(file)).rate;
        rounds.push(first ? { ceiling: a, catchUp: b } : { ceiling: b, catchUp: a });
      }
      const median = [...rounds].sort((x, y) => x.catchUp / x.ceiling - y.catchUp / y.ceiling)[Math.floor(ROUNDS / 2)]!;
      const ceiling = median.ceiling;
      const rate = median.catchUp;
      log('scoped catch-up');
      const reporting = token({ role: 'reporting', sub: 'bench-sz', jurisdictions: ['suzhou'] });
      const scopedDelivered = await countUntilIdle(server.url, reporting, '');
      const scopedCatchUp = (await catchUp(server.url, reporting, scopedDelivered)) * (events / scopedDelivered);
      log('live lag');
      const zhengzhou = token({ role: 'reporting', sub: 'bench-zz', jurisdictions: ['zhengzhou'] });
      const { lag, ackLag } = await liveLag(server.url, [auditor, zhengzhou], token({ role: 'institution', sub: 'zhengzhou-inst-0' }), headOf(file));
      return { events, ceiling, catchUp: rate, rounds, scopedCatchUp, scopedDelivered, lag, ackLag };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why the catch-up ratio misses when it does, as measured on this machine. */
const CATCH_UP_MISS =
  'Why the catch-up ratio misses: the server builds the pages as fast as the ceiling reads (in one process, a 31,000-event log paged through `FeedHub.readPage` ran at 217,000–247,000 events/s against 166,000–248,000 for `readAll`, three rounds); what the HTTP figure adds is the response writes and the consumer, a second process that must be on a CPU at the same time, while the ceiling needs one. On these 2 cores shared with other sessions the rounds move between about a third and two thirds of the ceiling with the load of the moment.';

export function feedSection(r: FeedBench, command = 'npm run bench:feed'): string {
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    '## Event feed (`GET /v1/feed`)',
    '',
    runHeader(command),
    `- ${fmt(PERSONS)} synthetic persons, ${fmt(r.events)} events in SQLite; \`ledger serve\` in its own process, the consumers in the benchmark's process, over loopback`,
    `- catch-up: one NDJSON consumer reads from the start to the head (every event for an auditor; the Suzhou share for a Suzhou reporting token, whose rate counts the events the server scanned); the ceiling is \`readAll\` of the same file with decoding, in the benchmark process; after a warm-up, ${ROUNDS} rounds of both, alternating which goes first; the table gives the median round (by ratio)`,
    `- live: ${CONSUMERS} NDJSON consumers attached at the head (half auditors, half Zhengzhou reporting tokens), ${fmt(LIVE_APPENDS)} courses filed over HTTP at ${APPEND_RATE}/s; lag to a consumer having the line, from the append being acknowledged (the writer has the 201; the target's measure) and from sending it (the write and its fsync included)`,
    '',
    table(
      ['what', 'figure', 'ceiling (same run)', 'ratio', 'target', 'verdict'],
      [
        ['catch-up over loopback, auditor (every event)', `${fmt(r.catchUp)} events/s`, `\`$all\` read + decode ${fmt(r.ceiling)}/s`, percent(r.catchUp / r.ceiling), '≥ 50%', met(r.catchUp >= 0.5 * r.ceiling)],
        ['catch-up, Suzhou reporting token (events scanned/s)', `${fmt(r.scopedCatchUp)} events/s (${fmt(r.scopedDelivered)} delivered)`, `${fmt(r.ceiling)}/s`, percent(r.scopedCatchUp / r.ceiling), '', ''],
        [`catch-up rounds (feed / ceiling)`, r.rounds.map((x) => `${fmt(x.catchUp)} / ${fmt(x.ceiling)}`).join('; '), '', r.rounds.map((x) => percent(x.catchUp / x.ceiling)).join(', '), '', ''],
        [`live lag from the acknowledged append, ${CONSUMERS} consumers`, `p50 ${r.ackLag.p50} ms, p99 ${r.ackLag.p99} ms, max ${r.ackLag.max} ms (${fmt(r.ackLag.samples)} deliveries)`, '', '', 'p99 ≤ 50 ms', met(r.ackLag.p99 <= 50)],
        [`live lag from sending the append, ${CONSUMERS} consumers`, `p50 ${r.lag.p50} ms, p99 ${r.lag.p99} ms, max ${r.lag.max} ms`, '', '', 'p99 ≤ 50 ms', met(r.lag.p99 <= 50)],
      ],
    ),
    ...(r.catchUp >= 0.5 * r.ceiling ? [] : ['', CATCH_UP_MISS]),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchFeed();
  const md = feedSection(r);
  writeSection('feed', md);
  process.stdout.write(`${md}\n`);
}
