import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import type { ConfigInput } from '../config/config.js';

/** A bad command line: the CLI prints the sentence and the command's usage, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A flag's value checked against its schema; a sentence naming the flag when it does not fit. */
export function flagValue<S extends z.ZodType>(schema: S, value: unknown, flag: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const said = value === undefined ? 'it is missing' : `not ${JSON.stringify(value)}`;
  throw new UsageError(`--${flag}: ${issue?.message ?? 'invalid'} (${said})`);
}

/** Flags every command accepts; they override the environment. */
export const COMMON_OPTIONS = {
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'log-level': { type: 'string' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/** Flags of a command; words other than flags (`keys rotate`) only for the commands that take them. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, takes: { positionals?: boolean } = {}) {
  return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: takes.positionals ?? false, strict: true });
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
