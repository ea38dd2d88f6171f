import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { openStore } from '../../store/open-store.js';
import { buildApp } from '../../http/app.js';
import { IdempotencyStore } from '../../http/idempotency.js';
import { loadSecrets } from '../../security/secrets.js';
import { openReadSide } from '../../runner/read-side.js';
import { Keyring } from '../../security/signing-keys.js';
import { RevokedTokens } from '../../security/token-revocations.js';
import { configFlags, parseCommandArgs } from '../args.js';

export const usage = 'ledger serve [--port N] [--host H] [--data-dir DIR] [--store sqlite|esdb]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {});
  const config = loadConfig(process.env, configFlags(values));
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  const secrets = loadSecrets(config.dataDir);
  const idempotency = new IdempotencyStore(join(config.dataDir, 'requests.db'));
  const read = openReadSide(store, join(config.dataDir, 'readmodels.db'), { logger });
  const caughtUp = await read.runner.catchUp();
  logger.info({ events: caughtUp, position: read.runner.position.toString() }, 'read models caught up');
  read.runner.start();
  const app = await buildApp({ config, store, logger, secrets, idempotency, read, keyring: Keyring.open(config.dataDir), revokedTokens: RevokedTokens.open(config.dataDir) });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await read.close();
    await store.close();
    idempotency.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, store: config.store, dataDir: config.dataDir }, 'celedger serving');
  return new Promise<number>(() => {});
}
