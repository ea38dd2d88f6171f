import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';
import { APPENDS, HEAD_READS, READS, STREAM_EVENTS } from './support/esdb-client-run.js';
import type { ClientRates } from './support/esdb-client-run.js';

/**
 * `@eventstore/db-client` (what the adapter uses) against `@kurrent/kurrentdb-client` (its
 * successor), each in its own process against the same kind of wire double in a third, in
 * alternating rounds; the median round counts. The successor is measured only when installed, in
 * the project or in BENCH_KURRENT_FROM (a folder where `npm install @kurrent/kurrentdb-client@1.3.1`
 * was run): the project does not depend on it.
 */

const CURRENT = '@eventstore/db-client';
const SUCCESSOR = '@kurrent/kurrentdb-client';
const ROUNDS = Number(process.env.BENCH_ESDB_ROUNDS ?? 3);
const host = fileURLToPath(new URL('./support/esdb-double-host.js', import.meta.url));
const runner = fileURLToPath(new URL('./support/esdb-client-run.js', import.meta.url));

/** Where a client package resolves from (the project, or `from`), as an importable URL and its version. */
function resolveClient(pkg: string, from?: string): { url: string; version: string } | undefined {
  try {
    const req = createRequire(from ? join(from, 'package.json') : import.meta.url);
    return { url: pathToFileURL(req.resolve(pkg)).href, version: (req(`${pkg}/package.json`) as { version: string }).version };
  } catch {
    return undefined;
  }
}

async function output(args: string[]): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  return out;
}

/** One client's run on a fresh double. */
async function round(pkg: string): Promise<ClientRates> {
  const double = spawn(process.execPath, [host], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(double.stdout, 'data')) as [Buffer];
    return JSON.parse(await output([runner, pkg, line.toString().trim()])) as ClientRates;
  } finally {
    double.stdin.end();
    await once(double, 'exit');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medians(runs: ClientRates[]): ClientRates {
  const pick = (k: keyof ClientRates) => median(runs.map((r) => r[k]));
  return { headReads: pick('headReads'), appends: pick('appends'), streamRead: pick('streamRead'), allRead: pick('allRead'), catchUp: pick('catchUp') };
}

export async function benchEsdbClients(command = 'npm run bench:esdb-clients'): Promise<string> {
  const mine = resolveClient(CURRENT)!;
  const successor = resolveClient(SUCCESSOR) ?? resolveClient(SUCCESSOR, process.env.BENCH_KURRENT_FROM);
  const current: ClientRates[] = [];
  const next: ClientRates[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    current.push(await round(mine.url));
    if (successor) next.push(await round(successor.url));
  }
  const a = medians(current);
  const b = successor ? medians(next) : undefined;
  const what: [keyof ClientRates, string][] = [
    ['headReads', `stream head reads (backwards, 1 event: one per adapter append), reads/s`],
    ['appends', `single-event appends at the exact revision, one caller, appends/s`],
    ['streamRead', `stream read of ${fmt(STREAM_EVENTS)} events, events/s`],
    ['allRead', '`$all` read, events/s'],
    ['catchUp', 'catch-up subscription to `$all` (system events filtered out), events/s'],
  ];
  const rows = what.map(([k, label]) => [label, fmt(a[k]), b ? fmt(b[k]) : 'not installed', b ? ratio(b[k], a[k]) : 'n/a']);
  return [
    '## EventStoreDB clients on the wire double',
    '',
    runHeader(command),
    `- clients: ${CURRENT} ${mine.version} (the adapter's) and ${SUCCESSOR} ${successor?.version ?? '(not installed)'}; ${ROUNDS} alternating rounds, the median shown`,
    `- each round: a fresh double (BatchAppend advertised) in its own process, the client in another; ${APPENDS} appends, ${HEAD_READS} head reads, ${READS} reads of the stream and of \`$all\``,
    '',
    table(['what', CURRENT, SUCCESSOR, 'successor / current'], rows),
    '',
    'The double is not a server: these compare the clients\' own costs (serialising, the gRPC stack;',
    'the successor reads through its Rust bridge) on one loopback, not what a real cluster answers.',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const markdown = await benchEsdbClients(`${process.env.BENCH_KURRENT_FROM ? 'BENCH_KURRENT_FROM=<folder> ' : ''}npm run bench:esdb-clients`);
  writeSection('esdb-clients', markdown);
  process.stdout.write(`${markdown}\n`);
}
