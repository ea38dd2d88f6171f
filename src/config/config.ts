import { z } from 'zod';

/**
 * The one defaults object of the service. It is validated once at start-up (from the environment
 * and command-line flags) and then passed down as options: nothing below this module reads
 * process.env.
 */
export const ConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(3000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  store: z.enum(['sqlite', 'esdb']).default('sqlite'),
  eventstoreConnectionString: z.string().min(1).optional(),
  /** How long a query with minPosition waits for the read side before answering 504. */
  readWaitMs: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** Public verification requests a client (IP) may make per minute. */
  verifyRateLimit: z.coerce.number().int().min(1).default(600),
  /**
   * Whom to believe about the client address (X-Forwarded-For), as Fastify's `trustProxy`: `false`
   * (the socket's peer), a hop count (`1`: the proxy in front), or addresses/CIDRs (`10.0.0.0/8,127.0.0.1`).
   */
  trustProxy: z
    .union([z.boolean(), z.number().int().min(0), z.string()])
    .default(false)
    .transform((v, ctx) => {
      if (typeof v !== 'string') return v;
      const text = v.trim();
      if (text === 'false' || text === '') return false;
      if (text === 'true') return true;
      if (/^\d+$/.test(text)) return Number(text);
      if (/^[0-9A-Fa-f:.,/\s]+$/.test(text)) return text;
      ctx.addIssue({ code: 'custom', message: 'expected false, true, a hop count, or addresses/CIDRs separated by commas' });
      return z.NEVER;
    }),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

/** Environment variable for each configuration key. */
export const ENV_KEYS: Record<keyof Config, string> = {
  dataDir: 'LEDGER_DATA_DIR',
  host: 'LEDGER_HOST',
  port: 'LEDGER_PORT',
  logLevel: 'LEDGER_LOG_LEVEL',
  store: 'LEDGER_STORE',
  eventstoreConnectionString: 'EVENTSTORE_CONNECTION_STRING',
  readWaitMs: 'LEDGER_READ_WAIT_MS',
  verifyRateLimit: 'LEDGER_VERIFY_RATE_LIMIT',
  trustProxy: 'LEDGER_TRUST_PROXY',
};

export class ConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Flags win over the environment, the environment over the defaults. */
export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigInput = {}): Config {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const definedFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const parsed = ConfigSchema.safeParse({ ...fromEnv, ...definedFlags });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '');
        const name = ENV_KEYS[key as keyof Config];
        return { path: name ? `${key} (${name})` : key, message: i.message };
      }),
    );
  }
  if (parsed.data.store === 'esdb' && !parsed.data.eventstoreConnectionString) {
    throw new ConfigError([{ path: 'eventstoreConnectionString (EVENTSTORE_CONNECTION_STRING)', message: 'required when store is esdb' }]);
  }
  return parsed.data;
}
