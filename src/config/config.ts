import { z } from 'zod';
import { JURISDICTIONS } from '../../schemas/common.js';

/** The bureau that issues and stamps each jurisdiction's certificates, as printed on them. */
export const DEFAULT_BUREAU_NAMES = {
  zhengzhou: '郑州市人力资源和社会保障局',
  suzhou: '苏州市人力资源和社会保障局',
  sichuan: '四川省人力资源和社会保障厅',
  shantou: '汕头市人力资源和社会保障局',
  fuzhou: '福州市人力资源和社会保障局',
} as const satisfies Record<(typeof JURISDICTIONS)[number], string>;

/** A setting given as JSON text (as the environment gives it) parsed; anything else as it is, for the schema to judge. */
function jsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** A JSON object of jurisdiction → name from the environment, over the defaults (a name per jurisdiction overridden). */
const BureauNames = z.preprocess(
  jsonText,
  z
    .partialRecord(z.enum(JURISDICTIONS), z.string().trim().min(1).max(100))
    .transform((names) => ({ ...DEFAULT_BUREAU_NAMES, ...names }) as Record<(typeof JURISDICTIONS)[number], string>),
);

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
  /** How long the read side may take to reach the store's head before /health and /ready answer 503. */
  readyMaxLagMs: z.coerce.number().int().min(0).max(60_000).default(2_000),
  /** Threads that read the pages of the lists beside the one that answers HTTP (0: that one reads them). */
  readerThreads: z.coerce.number().int().min(0).max(8).default(1),
  /** Public verification requests a client (IP) may make per minute. */
  verifyRateLimit: z.coerce.number().int().min(1).default(600),
  /** Where the public verification page is reached: the QR code of a certificate opens `{publicBaseUrl}/v/{number}`. */
  publicBaseUrl: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .default('http://127.0.0.1:3000'),
  bureauNames: BureauNames.default(DEFAULT_BUREAU_NAMES),
  /** Idle time after which the event feed sends a heartbeat. */
  feedHeartbeatMs: z.coerce.number().int().min(10).max(300_000).default(15_000),
  /** How often the transparency log signs a new checkpoint while events arrive. */
  logCheckpointMs: z.coerce.number().int().min(50).max(3_600_000).default(1_000),
  /** The log's origin (first line of its checkpoints); derived from the log key when unset. */
  logOrigin: z.string().regex(/^[^\s+]+$/).max(200).optional(),
  /** Verifier keys of the witnesses whose cosignatures the ledger keeps, comma-separated. */
  logWitnesses: z.string().max(10_000).optional(),
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
  readyMaxLagMs: 'LEDGER_READY_MAX_LAG_MS',
  readerThreads: 'LEDGER_READER_THREADS',
  publicBaseUrl: 'LEDGER_PUBLIC_BASE_URL',
  bureauNames: 'LEDGER_BUREAU_NAMES',
  feedHeartbeatMs: 'LEDGER_FEED_HEARTBEAT_MS',
  logCheckpointMs: 'LEDGER_LOG_CHECKPOINT_MS',
  logOrigin: 'LEDGER_LOG_ORIGIN',
  logWitnesses: 'LEDGER_LOG_WITNESSES',
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
