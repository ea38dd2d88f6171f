import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Jurisdiction } from '../../../schemas/common.js';
import { EVENT_SCHEMAS } from '../../../schemas/events.js';
import { FEED_DEFAULTS, FeedHub } from '../../feed/hub.js';
import type { FeedFilter, FeedOptions } from '../../feed/hub.js';
import { CONTENT_TYPES } from '../../feed/framing.js';
import type { FeedFormat } from '../../feed/framing.js';
import { maskOf } from '../../feed/scope.js';
import type { Principal } from '../../security/principal.js';
import type { EventStore } from '../../store/port.js';
import type { Authenticate } from '../auth.js';
import { ApiError } from '../errors.js';

export interface FeedDeps {
  store: EventStore;
  authenticate: Authenticate;
  heartbeatMs: number;
  /** Receives the hub, for tests and benchmarks that look at its sessions. */
  onHub?: (hub: FeedHub) => void;
}

const POSITION = /^\d{1,20}$/;
const KNOWN_TYPES = new Set(Object.keys(EVENT_SCHEMAS));

const FeedQuery = z.object({
  after: z.string().regex(POSITION, 'a global position: decimal digits').optional(),
  types: z.string().max(2000).optional(),
  jurisdiction: z.string().max(200).optional(),
  format: z.enum(['sse', 'ndjson']).optional(),
});

function invalid(path: string, message: string): ApiError {
  return new ApiError('VALIDATION_FAILED', 'the request does not match the schema', [{ path, message }]);
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Who reads what: a reporting token reads its jurisdictions (or some of them, with
 * `jurisdiction=`); an auditor reads everything, or the jurisdictions it names.
 */
function scopeOf(actor: Principal, asked: string[] | undefined): number | undefined {
  if (asked !== undefined) {
    const bad = asked.find((j) => !Jurisdiction.safeParse(j).success);
    if (bad !== undefined || asked.length === 0) throw invalid('querystring.jurisdiction', `expected jurisdictions of ${Jurisdiction.options.join(', ')}, comma-separated`);
  }
  if (actor.role === 'reporting') {
    const own = actor.jurisdictions ?? [];
    const outside = asked?.find((j) => !own.includes(j as Jurisdiction));
    if (outside !== undefined) throw new ApiError('FORBIDDEN', `this token does not read ${outside}`);
    return maskOf(asked ?? own);
  }
  return asked === undefined ? undefined : maskOf(asked);
}

function formatOf(query: string | undefined, accept: string | undefined): FeedFormat {
  if (query === 'sse' || query === 'ndjson') return query;
  return accept?.includes('text/event-stream') ? 'sse' : 'ndjson';
}

export function feedRoutes(app: FastifyInstance, deps: FeedDeps) {
  const options: FeedOptions = { ...FEED_DEFAULTS, heartbeatMs: deps.heartbeatMs };
  const hub = new FeedHub(deps.store, options);
  deps.onHub?.(hub);
  // Before the server waits for connections to end: a feed connection ends only when told to.
  app.addHook('preClose', async () => hub.close());
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/feed',
    {
      onRequest: deps.authenticate(['reporting', 'auditor']),
      schema: {
        summary: 'Every event after a global position, then live: SSE (text/event-stream) or NDJSON; Last-Event-ID resumes',
        querystring: FeedQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const lastEventId = req.headers['last-event-id'];
      if (lastEventId !== undefined && (typeof lastEventId !== 'string' || !POSITION.test(lastEventId))) {
        throw invalid('headers.last-event-id', 'a global position: decimal digits');
      }
      const types = list(q.types);
      const unknown = types?.find((t) => !KNOWN_TYPES.has(t));
      if (unknown !== undefined || types?.length === 0) throw invalid('querystring.types', `unknown event type ${unknown ?? '(none given)'}; the catalogue is at /v1/schemas/events`);
      const filter: FeedFilter = {};
      if (types) filter.types = new Set(types);
      const mask = scopeOf(req.principal!, list(q.jurisdiction));
      if (mask !== undefined) filter.mask = mask;
      // An EventSource reconnects to the same URL and says where it got to: that wins over `after`.
      const from = lastEventId ?? q.after;
      const format = formatOf(q.format, req.headers.accept);
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': CONTENT_TYPES[format],
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        // A feed ends when its consumer or the server leaves; its connection is not one to reuse.
        connection: 'close',
      });
      // The consumer learns at once that it is connected, even when nothing is there to send yet.
      reply.raw.flushHeaders();
      try {
        const summary = await hub.serve({ after: from === undefined ? -1n : BigInt(from), filter, format }, reply.raw);
        req.log.info({ feed: summary }, 'feed closed');
      } catch (err) {
        req.log.error({ err }, 'feed failed');
        reply.raw.destroy();
      }
    },
  );
}
