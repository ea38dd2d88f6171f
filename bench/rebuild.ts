import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropReadModels } from '../src/runner/read-model-db.js';
import { openReadSide } from '../src/runner/read-side.js';
import { protectIdNumber } from '../src/security/id-number.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../src/workload/generate.js';
import { writeWorkload } from '../src/workload/write.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';
import { rawSelectParse } from './store.js';
import { REBUILD_NODE_OPTIONS, rerunWith, runsWith } from '../src/cli/node-options.js';

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
  /** Every run, in order: rebuild and raw ceiling measured one after the other. */
  runs: { rebuild: number; raw: number; threadedBatches: number }[];
  peakRssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/**
 * A synthetic year written through the store port into a temp data dir, then `ledger rebuild`'s
 * path (drop the read models, replay from position 0) timed in events/s, and the raw ceiling of the
 * same run: plain SELECT + JSON.parse of the same rows.
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
      const events = SqliteEventStore.open({ file });
      const modelsFile = join(dir, `readmodels-${i}.db`);
      const read = openReadSide(events, modelsFile);
      const t0 = process.hrtime.bigint();
      const folded = await read.runner.catchUp();
      const rebuild = folded / (Number(process.hrtime.bigint() - t0) / 1e9);
      await read.close();
      await events.close();
      dropReadModels(modelsFile);
      runs.push({ rebuild, raw: rawSelectParse(file), threadedBatches: read.runner.threadedBatches });
    }
    const rebuildRate = median(runs.map((r) => r.rebuild));
    const rawRate = median(runs.map((r) => r.raw));
    return { persons, events: written.events, generateSeconds, rebuildRate, rawRate, runs, peakRssMiB: peakRssMiB() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function rebuildSection(r: RebuildBench, command = 'npm run bench:rebuild'): string {
  return [
    '## Rebuild of the read models',
    '',
    runHeader(command),
    `- ${fmt(r.persons)} synthetic persons, ${fmt(r.events)} events (written through the store port in ${r.generateSeconds.toFixed(0)} s); peak RSS of the process ${fmt(r.peakRssMiB)} MiB`,
    `- ${r.runs.length} rebuilds of the same events, each into a new read-model file, each followed by the raw ceiling; the table gives the medians`,
    `- Node options: \`${[...process.execArgv, process.env.NODE_OPTIONS].filter(Boolean).join(' ') || 'none'}\` (the V8 options \`ledger rebuild\` runs with: src/cli/node-options.ts)`,
    '',
    table(
      ['what', 'events/s', 'ceiling (same run)', 'ratio', 'target', 'verdict'],
      [['rebuild (read, decode, fold, evaluate every person-year, write read models)', fmt(r.rebuildRate), `raw SELECT + JSON.parse: ${fmt(r.rawRate)}`, ratio(r.rebuildRate, r.rawRate), '≥ 100,000/s', r.rebuildRate >= 100_000 ? 'met' : 'NOT met']],
    ),
    '',
    `Runs (rebuild / raw ceiling, events/s): ${r.runs.map((x) => `${fmt(x.rebuild)} / ${fmt(x.raw)}`).join('; ')}. Batches committed by the writer thread per run: ${r.runs[0]?.threadedBatches ?? 0}.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Measured as `ledger rebuild` runs: with the rebuild's V8 options.
  if (!runsWith(REBUILD_NODE_OPTIONS)) process.exit(await rerunWith(REBUILD_NODE_OPTIONS));
  const r = await benchRebuild();
  const md = rebuildSection(r);
  writeSection('rebuild', md);
  process.stdout.write(`${md}\n`);
}
