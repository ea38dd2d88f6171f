import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { dropReadModels } from '../../runner/read-model-db.js';
import { openReadSide } from '../../runner/read-side.js';
import { openStore } from '../../store/open-store.js';
import { configFlags, parseCommandArgs } from '../args.js';
import { REBUILD_NODE_OPTIONS, rerunWith, runsWith } from '../node-options.js';

export const usage = 'ledger rebuild [--data-dir DIR]   drop the read models and replay every event';

function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((width * done) / total) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export async function run(argv: string[]): Promise<number> {
  // Arguments are checked before the command runs itself again, so a bad one costs no second Node.
  const { values } = parseCommandArgs(argv, {});
  const config = loadConfig(process.env, configFlags(values));
  if (!runsWith(REBUILD_NODE_OPTIONS)) return rerunWith(REBUILD_NODE_OPTIONS);
  const store = await openStore(config);
  const file = join(config.dataDir, 'readmodels.db');
  dropReadModels(file);
  const read = openReadSide(store, file);
  const head = await store.headPosition();
  const tty = process.stderr.isTTY;
  const started = process.hrtime.bigint();
  let last = 0;
  const folded = await read.runner.catchUp((n, position) => {
    const now = Date.now();
    if (now - last < (tty ? 100 : 2000)) return;
    last = now;
    const pct = head > 0n ? Number((position * 100n) / head) : 100;
    process.stderr.write(`${tty ? '\r' : ''}${bar(pct, 100)} ${pct}%  ${n.toLocaleString('en-US')} events${tty ? '' : '\n'}`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = seconds > 0 ? folded / seconds : folded;
  process.stderr.write(`${tty ? '\r' : ''}${bar(1, 1)} 100%  ${folded.toLocaleString('en-US')} events\n`);
  process.stdout.write(`rebuilt ${folded} events in ${seconds.toFixed(1)} s: ${Math.round(rate).toLocaleString('en-US')} events/s\n`);
  await read.close();
  await store.close();
  return 0;
}
