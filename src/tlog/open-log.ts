import { existsSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { TransparencyLog } from './log.js';
import type { LogOptions } from './log.js';
import { logFile, openLogSigner } from './log-key.js';

/** The data directory's log, or undefined when `readonly` and none has been started there. */
export function openTransparencyLog(config: Pick<Config, 'dataDir' | 'logOrigin'>, options: Pick<LogOptions, 'readonly' | 'hashThread'> = {}): TransparencyLog | undefined {
  const file = logFile(config.dataDir);
  if (options.readonly && !existsSync(file)) return undefined;
  return TransparencyLog.open({ file, signer: openLogSigner(config.dataDir, config.logOrigin), ...options });
}
