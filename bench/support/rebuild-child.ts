import { fileURLToPath } from 'node:url';
import { REBUILD_NODE_OPTIONS } from '../../src/cli/node-options.js';
import { dropReadModels } from '../../src/runner/read-model-db.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { rawSelectParse } from '../store.js';
import { LEDGER_MAIN, runNode } from './node-child.js';

export interface ReadModelRebuild {
  /** Events/s of the catch-up into a new read-model file. */
  rebuild: number;
  /** Plain SELECT + JSON.parse of the same rows, after it, in the same process. */
  raw: number;
  threadedBatches: number;
  /** Peak RSS of the process that rebuilt them. */
  peakRssMiB: number;
}

/**
 * The read models rebuilt from the events in a fresh process with the rebuild's V8 options, as
 * `ledger rebuild` runs: in the process that generated the events, a rebuild shares a heap of
 * long-lived objects and its collections, and runs slower than any operator's would.
 */
export async function readModelRebuildInChild(eventsFile: string, modelsFile: string): Promise<ReadModelRebuild> {
  return JSON.parse(await runNode([fileURLToPath(import.meta.url), eventsFile, modelsFile], REBUILD_NODE_OPTIONS)) as ReadModelRebuild;
}

/** `ledger rebuild` itself on a data dir (read models and the log), and the rate it reports. */
export async function ledgerRebuild(dataDir: string): Promise<number> {
  const out = await runNode([LEDGER_MAIN, 'rebuild', '--data-dir', dataDir], REBUILD_NODE_OPTIONS);
  const rate = /events in [\d.]+ s: ([\d,]+) events\/s/.exec(out)?.[1];
  if (!rate) throw new Error(`ledger rebuild printed no rate: ${out}`);
  return Number(rate.replaceAll(',', ''));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [eventsFile, modelsFile] = process.argv.slice(2) as [string, string];
  const store = SqliteEventStore.open({ file: eventsFile });
  const read = openReadSide(store, modelsFile);
  const t0 = process.hrtime.bigint();
  const folded = await read.runner.catchUp();
  const rebuild = folded / (Number(process.hrtime.bigint() - t0) / 1e9);
  await read.close();
  await store.close();
  dropReadModels(modelsFile);
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const result: ReadModelRebuild = { rebuild, raw: rawSelectParse(eventsFile), threadedBatches: read.runner.threadedBatches, peakRssMiB };
  process.stdout.write(JSON.stringify(result));
}
