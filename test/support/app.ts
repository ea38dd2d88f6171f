import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { ConfigSchema } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import { IdempotencyStore } from '../../src/http/idempotency.js';
import { loggerOptions } from '../../src/log/logger.js';
import type { Principal } from '../../src/security/principal.js';
import type { Secrets } from '../../src/security/secrets.js';
import { signToken } from '../../src/security/tokens.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { EventStore } from '../../src/store/port.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { Keyring } from '../../src/security/signing-keys.js';
import type { RevokedTokens } from '../../src/security/token-revocations.js';
import { collectLogLines } from './log-collection.js';
import type { ReadSide } from '../../src/runner/read-side.js';
import type { FeedHub } from '../../src/feed/hub.js';
import { LogFollower } from '../../src/tlog/follower.js';
import type { TransparencyLog } from '../../src/tlog/log.js';
import type { VerifierKey } from '../../src/tlog/note.js';

export interface TestApp {
  app: FastifyInstance;
  store: EventStore;
  secrets: Secrets;
  read: ReadSide;
  keyring: Keyring;
  /** The log's follower, when the app was given a log. */
  follower?: LogFollower;
  /** Moves the app's and the store's clock (both start at FIXED_NOW or `now`). */
  setNow(at: Date): void;
  /** Log lines written while the app ran (JSON), to check what never reaches a log. */
  logs: string[];
  token(p: Principal): string;
  /** inject with a bearer token for the principal. */
  as(p: Principal | undefined, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** 2014-06-20T10:00+08:00 unless a test says otherwise: the rules' seeds are about 2014. */
export const FIXED_NOW = new Date('2014-06-20T02:00:00Z');

export interface TestAppOptions {
  store?: EventStore;
  now?: Date;
  /** A file for the Idempotency-Key table, to test what survives a restart; in memory otherwise. */
  idempotencyFile?: string;
  /** A file for the read models (in memory otherwise). */
  readModelFile?: string;
  /** Reader threads for the lists (a file's read models only); the lists are read in the app's thread otherwise. */
  readerThreads?: number;
  /** Settings other than the defaults, as the environment would give them. */
  config?: Record<string, unknown>;
  /** Receives the event feed's hub. */
  onFeedHub?: (hub: FeedHub) => void;
  /** A verifiable log that the app follows the store with and serves (closed with the app). */
  log?: TransparencyLog;
  logWitnesses?: VerifierKey[];
  /** Signing keys on disk (`Keyring.open`), to test what other processes do to them; in memory otherwise. */
  keyring?: Keyring;
  /** A deny list of tokens; none otherwise. */
  revokedTokens?: RevokedTokens;
  /** The secrets of a data dir; fixed test keys otherwise. */
  secrets?: Secrets;
}

export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  let now = options.now ?? FIXED_NOW;
  const clock = () => now;
  const store = options.store ?? new MemoryEventStore(clock);
  const secrets: Secrets = options.secrets ?? { idPepper: Buffer.alloc(32, 7), jwtKey: Buffer.alloc(32, 9) };
  const idempotency = new IdempotencyStore(options.idempotencyFile ?? ':memory:');
  const logs: string[] = [];
  const logger = pino({ ...loggerOptions('info') }, {
    write: (line: string) => {
      logs.push(line);
      collectLogLines(line);
    },
  });
  const follower = options.log ? new LogFollower(store, options.log, { checkpointMs: 50, commitMs: 20 }) : undefined;
  await follower?.catchUp();
  follower?.start();
  const read = openReadSide(store, options.readModelFile ?? ':memory:', {
    ...(options.readerThreads !== undefined ? { readerThreads: options.readerThreads } : {}),
    ...(follower ? { runner: { onEvents: (events) => follower.accept(events) } } : {}),
  });
  const keyring = options.keyring ?? Keyring.inMemory();
  read.runner.start();
  if (options.log) read.models.leafIndexOf = (position) => options.log!.leafIndexOf(position);
  const app = await buildApp({
    ...(options.log ? { log: options.log, logWitnesses: options.logWitnesses ?? [] } : {}),
    config: ConfigSchema.parse({ readWaitMs: 300, ...options.config }),
    store,
    logger,
    secrets,
    idempotency,
    read,
    keyring,
    ...(options.revokedTokens ? { revokedTokens: options.revokedTokens } : {}),
    clock,
    ...(options.onFeedHub ? { onFeedHub: options.onFeedHub } : {}),
  });
  await app.ready();
  const token = (p: Principal) => signToken(secrets.jwtKey, p);
  return {
    app,
    store,
    secrets,
    read,
    keyring,
    ...(follower ? { follower } : {}),
    setNow: (at) => {
      now = at;
    },
    logs,
    token,
    as: (p, opts) => app.inject({ ...opts, headers: { ...(opts.headers ?? {}), ...(p ? { authorization: `Bearer ${token(p)}` } : {}) } }),
    close: async () => {
      await app.close();
      await follower?.stop();
      options.log?.close();
      await read.close();
      await store.close();
      idempotency.close();
    },
  };
}

export const principals = {
  zzBureau: { role: 'bureau', sub: 'zz-city', jurisdiction: 'zhengzhou', level: 'city' },
  szBureau: { role: 'bureau', sub: 'sz-city', jurisdiction: 'suzhou', level: 'city' },
  fzBureau: { role: 'bureau', sub: 'fz-city', jurisdiction: 'fuzhou', level: 'city' },
  stBureau: { role: 'bureau', sub: 'st-city', jurisdiction: 'shantou', level: 'city' },
  scBureau: { role: 'bureau', sub: 'sc-prov', jurisdiction: 'sichuan', level: 'province' },
  instA: { role: 'institution', sub: 'inst-a' },
  instB: { role: 'institution', sub: 'inst-b' },
  employer: { role: 'employer', sub: 'emp-1' },
  otherEmployer: { role: 'employer', sub: 'emp-2' },
  professional: { role: 'professional', sub: 'p1' },
  otherProfessional: { role: 'professional', sub: 'p2' },
  auditor: { role: 'auditor', sub: 'aud-1' },
  reporting: { role: 'reporting', sub: 'stats-zz', jurisdictions: ['zhengzhou'] },
} as const satisfies Record<string, Principal>;
