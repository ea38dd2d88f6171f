import pino from 'pino';
import type { Logger, LoggerOptions } from 'pino';
import { redactIdNumbers } from './redact.js';

/**
 * Paths whose values never reach a log line. Personal ID numbers are only ever held as a keyed hash
 * and a masked form, but a request body can still carry one in clear on its way in.
 */
export const REDACT_PATHS = [
  'idNumber',
  '*.idNumber',
  '*.*.idNumber',
  'holder',
  '*.holder',
  'req.headers.authorization',
  'headers.authorization',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'celedger' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: { streamWrite: redactIdNumbers },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
}

export type { Logger };
