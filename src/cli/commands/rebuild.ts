import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import type { Config } from '../../config/config.js';
import { dropReadModels } from '../../runner/read-model-db.js';
import { registeredProjections } from '../../../projections/index.js';
import { openReadSide } from '../../runner/read-side.js';
import { lockDataDir } from '../../store/data-dir-lock.js';
import { openStore } from '../../store/open-store.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';
import { endWithParent, REBUILD_NODE_OPTIONS, rerunWith, runsWith } from '../node-options.js';
import { BrokenLinkError } from '../../runner/fold-guard.js';
import { logFile, openLogSigner } from '../../tlog/log-key.js';
import { LogRebuild } from '../../tlog/rebuild.js';

export const usage =
  'ledger rebuild [--projection NAME] [--data-dir DIR]   drop the read models and the log (or one read model alone) and replay every event, checking each hash and link';

function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((width * done) / total) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export async function run(argv: string[]): Promise<number> {
  // Arguments are checked before the command runs itself again, so a bad one costs no second Node.
  const { values } = parseCommandArgs(argv, { projection: { type: 'string' } });
  const only = values.projection;
  const names = registeredProjections().map((p) => p.name);
  if (only !== undefined && !names.includes(only)) throw new UsageError(`no projection named ${only}; the registered ones are ${names.join(', ')}`);
  const config = loadConfig(process.env, configFlags(values));
  if (!runsWith(REBUILD_NODE_OPTIONS)) return rerunWith(REBUILD_NODE_OPTIONS);
  const detach = endWithParent();
  try {
    const lock = lockDataDir(config.dataDir, 'rebuild');
    try {
      return await rebuild(config, only);
    } finally {
      lock.release();
    }
  } finally {
    detach();
  }
}

async function rebuild(config: Config, only: string | undefined): Promise<number> {
  const store = await openStore(config);
  const file = join(config.dataDir, 'readmodels.db');
  if (only === undefined) dropReadModels(file);
  // One read model alone leaves the log as it is; a whole rebuild makes the log again from the events.
  const logRebuild = only === undefined ? new LogRebuild(logFile(config.dataDir), openLogSigner(config.dataDir, config.logOrigin)) : undefined;
  const read = openReadSide(store, file, {
    ...(only !== undefined ? { reset: [only] } : {}),
    ...(logRebuild ? { runner: { log: logRebuild } } : {}),
  });
  const head = await store.headPosition();
  const tty = process.stderr.isTTY;
  const started = process.hrtime.bigint();
  let last = 0;
  let folded: number;
  try {
    folded = await read.runner.catchUp((n, position) => {
      const now = Date.now();
      if (now - last < (tty ? 100 : 2000)) return;
      last = now;
      const pct = head > 0n ? Number((position * 100n) / head) : 100;
      process.stderr.write(`${tty ? '\r' : ''}${bar(pct, 100)} ${pct}%  ${n.toLocaleString('en-US')} events${tty ? '' : '\n'}`);
    });
  } catch (err) {
    logRebuild?.abandon();
    if (!(err instanceof BrokenLinkError)) throw err;
    process.stdout.write(`\nBROKEN: stream ${err.broken.streamId} revision ${err.broken.revision} (position ${err.broken.position}): ${err.broken.reason}; nothing after it was folded\n`);
    await read.close();
    await store.close();
    return 1;
  }
  const logVerdict = logRebuild?.finish();
  if (logVerdict && !logVerdict.ok) {
    process.stdout.write(`LOG: ${logVerdict.reason}; the log was left as it was\n`);
    await read.close();
    await store.close();
    return 1;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = seconds > 0 ? folded / seconds : folded;
  process.stderr.write(`${tty ? '\r' : ''}${bar(1, 1)} 100%  ${folded.toLocaleString('en-US')} events\n`);
  process.stdout.write(`rebuilt ${folded} events in ${seconds.toFixed(1)} s: ${Math.round(rate).toLocaleString('en-US')} events/s\n`);
  if (logVerdict?.ok) process.stdout.write(`log: ${logVerdict.size} leaves, checkpoint signed at ${logVerdict.signedSize}\n`);
  await read.close();
  await store.close();
  return 0;
}
