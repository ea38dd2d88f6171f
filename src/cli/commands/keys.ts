import { loadConfig } from '../../config/config.js';
import { Keyring } from '../../security/signing-keys.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';

export const usage = 'ledger keys list|rotate   certificate signing keys (old public keys are kept, so old certificates still verify)';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {}, { positionals: true });
  const config = loadConfig(process.env, configFlags(values));
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'list' && positionals[0] !== 'rotate')) throw new UsageError(`no keys ${JSON.stringify(positionals.join(' '))}: say list or rotate`);
  const keyring = Keyring.open(config.dataDir);
  if (positionals[0] === 'rotate') {
    process.stdout.write(`current signing key: ${keyring.rotate()} (running servers sign with it from their next certificate; no restart)\n`);
    return 0;
  }
  for (const k of keyring.publicKeys()) process.stdout.write(`${k.keyId}${k.keyId === keyring.currentKeyId ? '  (current)' : ''}\n`);
  return 0;
}
