import { join } from 'node:path';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { lockDataDir } from '../../store/data-dir-lock.js';
import { openStore } from '../../store/open-store.js';
import { buildApp } from '../../http/app.js';
import { IdempotencyStore } from '../../http/idempotency.js';
import { loadSecrets } from '../../security/secrets.js';
import { openReadSide } from '../../runner/read-side.js';
import { Keyring } from '../../security/signing-keys.js';
import { RevokedTokens } from '../../security/token-revocations.js';
import { configFlags, parseCommandArgs } from '../args.js';
import { runsWith, SERVE_NODE_OPTIONS } from '../node-options.js';
import { BrokenLinkError } from '../../runner/fold-guard.js';
import { LogFollower } from '../../tlog/follower.js';
import { quickCheck } from '../../tlog/head-check.js';
import { parseWitnessKeys } from '../../tlog/log.js';
import { openTransparencyLog } from '../../tlog/open-log.js';

export const usage = 'ledger serve [--port N] [--host H] [--data-dir DIR] [--store sqlite|esdb]';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {});
  const config = loadConfig(process.env, configFlags(values));
  const logger = createLogger(config.logLevel);
  if (!runsWith(SERVE_NODE_OPTIONS)) logger.warn({ nodeOptions: SERVE_NODE_OPTIONS }, 'started without the V8 options of the server (npm start passes them): under load, full collections of a small old generation lengthen the slowest answers');
  // Before anything opens a file: one process owns the data dir (the lock ends with the process).
  const lock = lockDataDir(config.dataDir, 'serve');
  const store = await openStore(config);
  const secrets = loadSecrets(config.dataDir);
  const idempotency = new IdempotencyStore(join(config.dataDir, 'requests.db'));
  const log = openTransparencyLog(config, { hashThread: true })!;
  const logWitnesses = parseWitnessKeys(config.logWitnesses);
  // The log's signed head against the store, before anything follows it: a deleted or edited event is named here.
  const logVerdict = await quickCheck(store, log);
  const follower = new LogFollower(store, log, { checkpointMs: config.logCheckpointMs, logger });
  if (logVerdict.ok) {
    const appended = await follower.catchUp();
    logger.info({ size: log.size, head: logVerdict.head?.size ?? 0, appended }, 'log head checked');
    follower.start();
  } else {
    logger.error({ problem: logVerdict.problem }, `LOG HEAD CHECK FAILED: ${logVerdict.problem!.reason}; the log stops here`);
  }
  const onEvents = logVerdict.ok ? (events: Parameters<LogFollower['accept']>[0]) => follower.accept(events) : undefined;
  const read = openReadSide(store, join(config.dataDir, 'readmodels.db'), { logger, readerThreads: config.readerThreads, ...(onEvents ? { runner: { onEvents } } : {}) });
  read.models.leafIndexOf = (position) => log.leafIndexOf(position);
  try {
    const caughtUp = await read.runner.catchUp();
    logger.info({ events: caughtUp, position: read.runner.position.toString() }, 'read models caught up');
  } catch (err) {
    if (!(err instanceof BrokenLinkError)) throw err;
    logger.fatal({ broken: err.broken }, `BROKEN LINK: ${err.message}; the read models are not served`);
    process.stderr.write(`BROKEN: ${err.message}\n`);
    return 1;
  }
  read.runner.start();
  const app = await buildApp({ config, store, logger, secrets, idempotency, read, keyring: Keyring.open(config.dataDir), log, logWitnesses, revokedTokens: RevokedTokens.open(config.dataDir) });
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await follower.stop();
    log.close();
    await read.close();
    await store.close();
    idempotency.close();
    lock.release();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, store: config.store, dataDir: config.dataDir }, 'celedger serving');
  return new Promise<number>(() => {});
}
