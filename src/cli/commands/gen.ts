import { loadConfig } from '../../config/config.js';
import { loadSecrets } from '../../security/secrets.js';
import { protectIdNumber } from '../../security/id-number.js';
import { lockDataDir } from '../../store/data-dir-lock.js';
import { openStore } from '../../store/open-store.js';
import { generateWorkload } from '../../workload/generate.js';
import { writeWorkload } from '../../workload/write.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';

export const usage = 'ledger gen --persons N [--seed S] [--year Y] [--data-dir DIR]   write a deterministic synthetic year through the store';

const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { persons: { type: 'string' }, seed: { type: 'string' }, year: { type: 'string' } });
  const config = loadConfig(process.env, configFlags(values));
  const raw = String(values.persons ?? '10k').toLowerCase();
  const persons = SIZES[raw] ?? Number(raw);
  if (!Number.isInteger(persons) || persons <= 0) throw new UsageError(`--persons: expected a count or one of 10k, 100k, 1m, not ${JSON.stringify(values.persons)}`);
  for (const flag of ['seed', 'year'] as const) {
    if (values[flag] !== undefined && !/^\d+$/.test(values[flag])) throw new UsageError(`--${flag}: expected a whole number, not ${JSON.stringify(values[flag])}`);
  }
  // The embedded store has one writing process: a server on the same data dir would not see these events.
  const lock = config.store === 'sqlite' ? lockDataDir(config.dataDir, 'gen') : undefined;
  const store = await openStore(config);
  const { idPepper } = loadSecrets(config.dataDir);
  const started = Date.now();
  const result = await writeWorkload(
    store,
    generateWorkload({ persons, seed: Number(values.seed ?? 2014), year: Number(values.year ?? 2014), protectId: (id) => protectIdNumber(idPepper, id) }),
    { onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\r${p.streams.toLocaleString('en-US')} streams, ${p.events.toLocaleString('en-US')} events`) },
  );
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write('\n');
  process.stdout.write(`wrote ${result.events} events in ${result.streams} streams in ${seconds.toFixed(1)} s\n`);
  await store.close();
  lock?.release();
  return 0;
}
