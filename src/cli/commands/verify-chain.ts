import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/open-store.js';
import { configFlags, parseCommandArgs } from '../args.js';

export const usage = 'ledger verify-chain [--stream ID] [--data-dir DIR]   re-check hash chains; exit 1 on a broken link';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { stream: { type: 'string' } });
  const config = loadConfig(process.env, configFlags(values));
  const store = await openStore(config);
  try {
    const verdict = values.stream ? await store.verifyStream(values.stream) : await store.verifyAll();
    if (verdict.ok) {
      process.stdout.write(`ok: ${verdict.events} events in ${verdict.streams} streams, every chain intact\n`);
      return 0;
    }
    const b = verdict.broken;
    process.stdout.write(`BROKEN: stream ${b.streamId} revision ${b.revision} (position ${b.position}): ${b.reason}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
