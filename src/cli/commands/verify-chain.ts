import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/open-store.js';
import type { EventStore } from '../../store/port.js';
import { fullCheck } from '../../tlog/head-check.js';
import { openTransparencyLog } from '../../tlog/open-log.js';
import type { Config } from '../../config/config.js';
import { configFlags, parseCommandArgs } from '../args.js';

export const usage = 'ledger verify-chain [--stream ID] [--data-dir DIR]   re-check hash chains and every event against the log; exit 1 on a broken link';

/** Prints the log's verdict on the store (every leaf against its event); false when they part. */
export async function checkLogAgainst(store: EventStore, config: Config): Promise<boolean> {
  const log = openTransparencyLog(config, { readonly: true });
  if (!log) {
    process.stdout.write('log: none in this data directory yet (it starts with the first `ledger serve`)\n');
    return true;
  }
  try {
    const v = await fullCheck(store, log);
    if (v.ok) {
      process.stdout.write(`ok: the log's ${v.size} leaves match the store${v.head ? `; signed head ${v.head.size} (${v.head.signedAt}) verifies` : ''}\n`);
      return true;
    }
    process.stdout.write(`BROKEN LOG: ${v.problem!.reason}\n`);
    return false;
  } finally {
    log.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { stream: { type: 'string' } });
  const config = loadConfig(process.env, configFlags(values));
  const store = await openStore(config);
  try {
    const verdict = values.stream ? await store.verifyStream(values.stream) : await store.verifyAll();
    if (!verdict.ok) {
      const b = verdict.broken;
      process.stdout.write(`BROKEN: stream ${b.streamId} revision ${b.revision} (position ${b.position}): ${b.reason}\n`);
      return 1;
    }
    process.stdout.write(`ok: ${verdict.events} events in ${verdict.streams} streams, every chain intact\n`);
    if (values.stream) return 0;
    return (await checkLogAgainst(store, config)) ? 0 : 1;
  } finally {
    await store.close();
  }
}
