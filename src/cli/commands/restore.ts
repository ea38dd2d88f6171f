import { loadConfig } from '../../config/config.js';
import { BackupError, restoreDataDir } from '../../ops/backup.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';

export const usage = 'ledger restore --from FILE --data-dir NEW-DIR   a new data dir from a backup, every chain re-checked (read models rebuild on start)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { from: { type: 'string' } });
  const config = loadConfig(process.env, configFlags(values));
  if (!values.from) throw new UsageError('--from: the backup file to restore is required');
  let s;
  try {
    s = await restoreDataDir(values.from, config.dataDir);
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`ledger restore: ${err.message}\n`);
    return 1;
  }
  process.stdout.write(`restored ${s.events} events in ${s.streams} streams (head position ${s.headPosition}) and ${s.files.length} files into ${config.dataDir}; every chain verified\n`);
  return 0;
}
