import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { EventStore } from '../store/port.js';
import { errorBody, errorHandler } from './errors.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  config: Config;
  store: EventStore;
  logger: Logger;
}

/** Builds the HTTP app; tests call this and use `inject`, the CLI calls it and listens. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 4 * 1024 * 1024,
    disableRequestLogging: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url}`));
  });
  await app.register(healthRoutes, { store: deps.store, storeKind: deps.config.store });
  return app;
}
