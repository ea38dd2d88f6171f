import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { protectIdNumber } from '../src/security/id-number.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../src/workload/generate.js';
import { writeWorkload } from '../src/workload/write.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';
import { REBUILD_NODE_OPTIONS } from '../src/cli/node-options.js';
import { ledgerRebuild, readModelRebuildInChild } from './support/rebuild-child.js';

/** 160,000 synthetic persons make about 1,000,000 events. */
const PERSONS = Number(process.env.BENCH_PERSONS ?? 160_000);
/** Rebuilds of the same events: the median is reported, because this machine is noisy. */
const RUNS = Number(process.env.BENCH_REBUILD_RUNS ?? 3);

export interface RebuildBench {
  persons: number;
  events: number;
  generateSeconds: number;
  /** Medians of the runs. */
  rebuildRate: number;
  rawRate: number;
  /** Median of `ledger rebuild`'s own figure: the read models and the log. */
  commandRate: number;
  /** Every run, in order: rebuild, raw ceiling, then `ledger rebuild`, one after the other. */
  runs: { rebuild: number; raw: number; threadedBatches: number; peakRssMiB: number; command: number }[];
  /** Of the process that generated the events. */
  peakRssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * A synthetic year written through the store port into a temp data dir; then, in fresh processes
 * with the rebuild's V8 options, the read models rebuilt from position 0 into a new file, timed in
 * events/s, with the raw ceiling after it in the same process (plain SELECT + JSON.parse of the same
 * rows), and `ledger rebuild` itself on the data dir (the read models and the log).
 */
export async function benchRebuild(persons = PERSONS): Promise<RebuildBench> {
  const dir = mkdtempSync(join(tmpdir(), 'celedger-rebuild-'));
  try {
    const file = join(dir, 'events.db');
    const store = SqliteEventStore.open({ file });
    const pepper = Buffer.alloc(32, 3);
    const started = Date.now();
    const written = await writeWorkload(store, generateWorkload({ persons, protectId: (id) => protectIdNumber(pepper, id) }));
    const generateSeconds = (Date.now() - started) / 1000;
    await store.close();
    const runs: RebuildBench['runs'] = [];
    for (let i = 0; i < RUNS; i++) {
      const models = await readModelRebuildInChild(file, join(dir, `readmodels-${i}.db`));
      runs.push({ ...models, command: await ledgerRebuild(dir) });
    }
    const rebuildRate = median(runs.map((r) => r.rebuild));
    const rawRate = median(runs.map((r) => r.raw));
    const commandRate = median(runs.map((r) => r.command));
    return { persons, events: written.events, generateSeconds, rebuildRate, rawRate, commandRate, runs, peakRssMiB: peakRssMiB() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function rebuildSection(r: RebuildBench, command = 'npm run bench:rebuild'): string {
  return [
    '## Rebuild of the read models',
    '',
    runHeader(command),
    `- ${fmt(r.persons)} synthetic persons, ${fmt(r.events)} events (written through the store port in ${r.generateSeconds.toFixed(0)} s); peak RSS of the generating process ${fmt(r.peakRssMiB)} MiB, of a read models' rebuild ${fmt(Math.max(...r.runs.map((x) => x.peakRssMiB)))} MiB`,
    `- ${r.runs.length} runs, each in fresh processes: the read models rebuilt into a new file, then the raw ceiling in the same process, then \`ledger rebuild\` on the data dir; the table gives the medians`,
    `- Node options of those processes: \`${REBUILD_NODE_OPTIONS.join(' ')}\` (the V8 options \`ledger rebuild\` runs with: src/cli/node-options.ts)`,
    '',
    table(
      ['what', 'events/s', 'ceiling (same run)', 'ratio', 'target', 'verdict'],
      [
        ['rebuild of every read model (read, check every hash and link, decode, fold, evaluate every person-year, write)', fmt(r.rebuildRate), `raw SELECT + JSON.parse: ${fmt(r.rawRate)}`, ratio(r.rebuildRate, r.rawRate), '≥ 100,000/s', r.rebuildRate >= 100_000 ? 'met' : 'NOT met'],
        ['`ledger rebuild` (the same, and the verifiable log folded again, signed and synced)', fmt(r.commandRate), `raw SELECT + JSON.parse: ${fmt(r.rawRate)}`, ratio(r.commandRate, r.rawRate), '—', '—'],
      ],
    ),
    '',
    `Runs (read models / raw ceiling / \`ledger rebuild\`, events/s): ${r.runs.map((x) => `${fmt(x.rebuild)} / ${fmt(x.raw)} / ${fmt(x.command)}`).join('; ')}. Batches committed by the writer thread per run: ${r.runs[0]?.threadedBatches ?? 0}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchRebuild();
  const md = rebuildSection(r);
  writeSection('rebuild', md);
  process.stdout.write(`${md}\n`);
}
