import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { eventCatalogueJsonSchema } from '../../schemas/json-schema.js';
import type { Config } from '../config/config.js';
import type { Secrets } from '../security/secrets.js';
import type { RevokedTokens } from '../security/token-revocations.js';
import type { EventStore } from '../store/port.js';
import type { Clock } from '../time/clock.js';
import { systemClock } from '../time/clock.js';
import { authenticator } from './auth.js';
import { clientErrorHandler, errorBody, errorHandler, frameworkErrors } from './errors.js';
import { boundedJsonBodies } from './json-body.js';
import { parseQueryString } from './query-string.js';
import { AppMetrics, metricsRoute } from './metrics.js';
import { openApiTransform } from './openapi.js';
import { logRequests } from './request-log.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ReadSide } from '../runner/read-side.js';
import { personDirectoryRoutes, personReadRoutes } from './routes/persons-read.js';
import { courseReadRoutes } from './routes/courses-read.js';
import { employerReadRoutes } from './routes/employers-read.js';
import { institutionReadRoutes } from './routes/institutions-read.js';
import { worklistRoutes } from './routes/worklists.js';
import { reportRoutes } from './routes/reports.js';
import { auditRoutes } from './routes/audit.js';
import { bureauDataRoutes } from './routes/bureau-data.js';
import { certificateRoutes } from './routes/certificates.js';
import { certificatePrintRoutes } from './routes/certificate-print.js';
import { verifyRoutes } from './routes/verify.js';
import { verifyPageRoutes } from './routes/verify-page.js';
import type { Keyring } from '../security/signing-keys.js';
import { courseRoutes } from './routes/courses.js';
import { creditRoutes } from './routes/credits.js';
import { healthRoutes } from './routes/health.js';
import { institutionRoutes } from './routes/institutions.js';
import { personWriteRoutes } from './routes/persons-write.js';
import { feedRoutes } from './routes/feed.js';
import type { FeedHub } from '../feed/hub.js';
import { logRoutes } from './routes/log.js';
import type { TransparencyLog } from '../tlog/log.js';
import type { VerifierKey } from '../tlog/note.js';
import { employerRoutes } from './routes/employers.js';
import { eligibilityRoutes } from './routes/eligibility.js';
import { oversightRoutes } from './routes/oversight.js';
import { industryRuleRoutes } from './routes/industry-rules.js';

export interface AppDeps {
  config: Config;
  store: EventStore;
  logger: Logger;
  secrets: Secrets;
  idempotency: IdempotencyStore;
  read: ReadSide;
  keyring: Keyring;
  /** The deny list of tokens revoked before they expire; none unless given. */
  revokedTokens?: RevokedTokens;
  clock?: Clock;
  /** Receives the event feed's hub (tests and benchmarks look at its sessions). */
  onFeedHub?: (hub: FeedHub) => void;
  /** The verifiable log and the witnesses whose cosignatures it keeps. */
  log?: TransparencyLog;
  logWitnesses?: VerifierKey[];
}

/**
 * The request id: the caller's `X-Request-Id` when it is a plain token (so a proxy's or a client's
 * id follows the request through our logs), a new one otherwise.
 */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : `${PROCESS_ID}-${(++requestCount).toString(36)}`;
}

/** Made ids: this process's random prefix and a count, unique across replicas and restarts, and cheap. */
const PROCESS_ID = randomBytes(6).toString('hex');
let requestCount = 0;

/** A hop count as the function Fastify's types admit (it trusts the first `hops` addresses from the socket). */
function fastifyTrustProxy(trust: Config['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/** Builds the HTTP app; tests call this and use `inject`, the CLI calls it and listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // No logger for Fastify itself: `logRequests` logs the routes that log per request (see there).
  const app = Fastify({
    bodyLimit: 4 * 1024 * 1024,
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { querystringParser: parseQueryString },
    clientErrorHandler,
    frameworkErrors,
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    requestIdHeader: false,
    genReqId: requestId,
  });
  boundedJsonBodies(app);
  const metrics = new AppMetrics({ store: deps.store, read: deps.read });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  const unmatched = metrics.route('ANY', '(no route)');
  app.setNotFoundHandler((req, reply) => {
    // The path only: a query string may carry a holder's ID number.
    const path = req.url.split('?')[0];
    deps.logger.info({ method: req.method, path, reqId: req.id }, 'no such route');
    unmatched.observe(404, reply.elapsedTime / 1000);
    void reply.header('x-request-id', req.id);
    void reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${path}`));
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'celedger', description: 'Continuing-education class-hour ledger', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: openApiTransform,
  });
  // The reference, browsable at /docs: Swagger UI's files are served from this package, nothing from a CDN.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });

  const authenticate = authenticator(deps.secrets.jwtKey, deps.revokedTokens);
  const bureauName = (jurisdiction: string) => deps.config.bureauNames[jurisdiction as keyof Config['bureauNames']] ?? jurisdiction;
  const writeDeps = { store: deps.store, clock: deps.clock ?? systemClock, authenticate, idempotency: deps.idempotency };
  await app.register(async (scope) => {
    logRequests(scope, deps.logger);
    metrics.instrument(scope);
    // Every answer says its request id (the verification routes, outside this scope, write it themselves).
    scope.addHook('onRequest', (req, reply, done) => {
      void reply.header('x-request-id', req.id);
      done();
    });
    await healthRoutes(scope, { store: deps.store, storeKind: deps.config.store, runner: deps.read.runner, maxLagMs: deps.config.readyMaxLagMs });
    institutionRoutes(scope, writeDeps);
    courseRoutes(scope, writeDeps);
    personWriteRoutes(scope, { ...writeDeps, idPepper: deps.secrets.idPepper });
    creditRoutes(scope, { ...writeDeps, read: deps.read, waitMs: deps.config.readWaitMs });
    const readDeps = { read: deps.read, authenticate, waitMs: deps.config.readWaitMs };
    personReadRoutes(scope, readDeps);
    personDirectoryRoutes(scope, { ...readDeps, idPepper: deps.secrets.idPepper, store: deps.store });
    institutionReadRoutes(scope, readDeps);
    oversightRoutes(scope, readDeps);
    courseReadRoutes(scope, readDeps);
    employerReadRoutes(scope, readDeps);
    worklistRoutes(scope, { ...readDeps, clock: writeDeps.clock });
    reportRoutes(scope, readDeps);
    bureauDataRoutes(scope, { ...writeDeps, ...readDeps });
    certificateRoutes(scope, { ...writeDeps, keyring: deps.keyring, read: deps.read, waitMs: deps.config.readWaitMs, publicBaseUrl: deps.config.publicBaseUrl, issuer: bureauName });
    certificatePrintRoutes(scope, { read: deps.read, authenticate, publicBaseUrl: deps.config.publicBaseUrl, bureauName });
    feedRoutes(scope, { store: deps.store, authenticate, heartbeatMs: deps.config.feedHeartbeatMs, ...(deps.onFeedHub ? { onHub: deps.onFeedHub } : {}) });
    auditRoutes(scope, { store: deps.store, authenticate, ...(deps.log ? { log: deps.log } : {}) });
    if (deps.log) logRoutes(scope, { log: deps.log, witnesses: deps.logWitnesses ?? [] });
    employerRoutes(scope, writeDeps);
    industryRuleRoutes(scope, writeDeps);
    eligibilityRoutes(scope, { store: deps.store, clock: writeDeps.clock, authenticate });
    const catalogue = eventCatalogueJsonSchema();
    scope.get('/v1/schemas/events', { schema: { hide: true } }, async () => catalogue);
    scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });
  await app.register(async (scope) => {
    const clock = deps.clock;
    const verify = verifyRoutes(scope, {
      read: deps.read,
      keyring: deps.keyring,
      idPepper: deps.secrets.idPepper,
      perMinute: deps.config.verifyRateLimit,
      trustProxy: deps.config.trustProxy !== false,
      ...(clock ? { now: () => clock().getTime() } : {}),
      metrics,
      log: deps.logger,
      waitMs: deps.config.readWaitMs,
    });
    verifyPageRoutes(scope, { read: deps.read, keyring: deps.keyring, idPepper: deps.secrets.idPepper, rateLimit: verify.rateLimit, budget: verify.budget, now: verify.now, bureauName });
  });
  metricsRoute(app, metrics);
  return app;
}
