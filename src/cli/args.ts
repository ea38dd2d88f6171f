import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { ConfigInput } from '../config/config.js';

/** Flags every command accepts; they override the environment. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
}

export function configFlags(values: Record<string, unknown>): ConfigInput {
  return {
    dataDir: values['data-dir'] as string | undefined,
    host: values.host as string | undefined,
    port: values.port as string | undefined as unknown as number | undefined,
    logLevel: values['log-level'] as ConfigInput['logLevel'],
    store: values.store as ConfigInput['store'],
  };
}
