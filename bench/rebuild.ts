import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openReadSide } from '../src/runner/read-side.js';
import { protectIdNumber } from '../src/security/id-number.js';
import { SqliteEventStore } from '../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../src/workload/generate.js';
import { writeWorkload } from '../src/workload/write.js';
import { fmt, ratio, table, writeSection } from './support/benchmarks-md.js';
import { runHeader } from './support/machine.js';
import { rawSelectParse } from './store.js';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 150_000);

export interface RebuildBench {
  persons: number;
  events: number;
  generateSeconds: number;
  rebuildRate: number;
  rawRate: number;
  peakRssMiB: number;
}

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
    const read = openReadSide(store, join(dir, 'readmodels.db'));
    const t0 = process.hrtime.bigint();
    const folded = await read.runner.catchUp();
    const rebuildRate = folded / (Number(process.hrtime.bigint() - t0) / 1e9);
    await read.close();
    await store.close();
    const rawRate = rawSelectParse(file);
    return { persons, events: written.events, generateSeconds, rebuildRate, rawRate, peakRssMiB: peakRssMiB() };
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
    '',
    table(
      ['what', 'events/s', 'ceiling (same run)', 'ratio', 'target', 'verdict'],
      [['rebuild (read, decode, fold, evaluate every person-year, write read models)', fmt(r.rebuildRate), `raw SELECT + JSON.parse: ${fmt(r.rawRate)}`, ratio(r.rebuildRate, r.rawRate), '≥ 100,000/s', r.rebuildRate >= 100_000 ? 'met' : 'NOT met']],
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchRebuild();
  const md = rebuildSection(r);
  writeSection('rebuild', md);
  process.stdout.write(`${md}\n`);
}
