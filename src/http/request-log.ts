import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import type { Logger } from 'pino';

/** What a request's log line says of the request and of the response (the fields Fastify's own logger writes). */
const serializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: req.url, host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
  err: pino.stdSerializers.err,
};

/**
 * Request logging for the routes of one scope: each request gets a child logger bound to its id,
 * and one line when its response is done. The app gives Fastify no logger of its own: given one,
 * Fastify makes a child logger and listens for the end of every response on every route, and the
 * public verification routes, which log nothing per request, should pay for neither.
 */
export function logRequests(scope: FastifyInstance, logger: Logger): void {
  const log = logger.child({}, { serializers });
  scope.setChildLoggerFactory((_parent, bindings, opts) => log.child(bindings, opts));
  scope.addHook('onResponse', (req, reply, done) => {
    reply.log.info({ req, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    done();
  });
}
