import { loadConfig } from '../../config/config.js';
import { BackupError, backupDataDir } from '../../ops/backup.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';

export const usage = 'ledger backup --out FILE [--data-dir DIR]   one file: the event store (online), secrets and keys; every chain of the copy re-checked';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { out: { type: 'string' } });
  const config = loadConfig(process.env, configFlags(values));
  if (config.store !== 'sqlite') throw new UsageError('--store: ledger backup copies the embedded SQLite store; back EventStoreDB up with its own tools');
  if (!values.out) throw new UsageError('--out: the file to write the backup to is required');
  let s;
  try {
    s = await backupDataDir(config.dataDir, values.out);
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`ledger backup: ${err.message}\n`);
    return 1;
  }
  process.stdout.write(`backed up ${s.events} events in ${s.streams} streams (head position ${s.headPosition}) and ${s.files.length} files of secrets/ and keys/ to ${s.file}; every chain verified\n`);
  return 0;
}
