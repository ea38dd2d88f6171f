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
import { errorBody, errorHandler } from './errors.js';
import { parseQueryString } from './query-string.js';
import { AppMetrics, metricsRoute } from './metrics.js';
import { openApiTransform } from './openapi.js';
import { logRequests } from './request-log.js';
import type { IdempotencyStore } from './idempotency.js';
import type { ReadSide } from '../runner/read-side.js';
import { personReadRoutes } from './routes/persons-read.js';
import { reportRoutes } from './routes/reports.js';
import { auditRoutes } from './routes/audit.js';
import { certificateRoutes } from './routes/certificates.js';
import { verifyRoutes } from './routes/verify.js';
import type { Keyring } from '../security/signing-keys.js';
import { courseRoutes } from './routes/courses.js';
import { creditRoutes } from './routes/credits.js';
import { healthRoutes } from './routes/health.js';
import { institutionRoutes } from './routes/institutions.js';
import { personWriteRoutes } from './routes/persons-write.js';

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
    trustProxy: fastifyTrustProxy(deps.config.trustProxy),
    requestIdHeader: false,
    genReqId: requestId,
  });
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
  const writeDeps = { store: deps.store, clock: deps.clock ?? systemClock, authenticate, idempotency: deps.idempotency };
  await app.register(async (scope) => {
    logRequests(scope, deps.logger);
    metrics.instrument(scope);
    // Every answer says its request id (the verification routes, outside this scope, write it themselves).
    scope.addHook('onRequest', (req, reply, done) => {
      void reply.header('x-request-id', req.id);
      done();
    });
    await healthRoutes(scope, { store: deps.store, storeKind: deps.config.store });
    institutionRoutes(scope, writeDeps);
    courseRoutes(scope, writeDeps);
    personWriteRoutes(scope, { ...writeDeps, idPepper: deps.secrets.idPepper });
    creditRoutes(scope, writeDeps);
    const readDeps = { read: deps.read, authenticate, waitMs: deps.config.readWaitMs };
    personReadRoutes(scope, readDeps);
    reportRoutes(scope, readDeps);
    certificateRoutes(scope, { ...writeDeps, keyring: deps.keyring, read: deps.read });
    auditRoutes(scope, { store: deps.store, authenticate });
    const catalogue = eventCatalogueJsonSchema();
    scope.get('/v1/schemas/events', { schema: { hide: true } }, async () => catalogue);
    scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  });
  await app.register(async (scope) => {
    const clock = deps.clock;
    verifyRoutes(scope, {
      read: deps.read,
      keyring: deps.keyring,
      idPepper: deps.secrets.idPepper,
      perMinute: deps.config.verifyRateLimit,
      trustProxy: deps.config.trustProxy !== false,
      ...(clock ? { now: () => clock().getTime() } : {}),
      metrics,
      log: deps.logger,
    });
  });
  metricsRoute(app, metrics);
  return app;
}
