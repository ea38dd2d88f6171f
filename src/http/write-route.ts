import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Role } from '../../schemas/common.js';
import type { CommandContext } from '../domain/handle.js';
import type { Outcome, Rejection } from '../domain/result.js';
import { canonicalJson } from '../store/integrity.js';
import type { Json } from '../store/port.js';
import type { Clock } from '../time/clock.js';
import type { EventStore } from '../store/port.js';
import type { Authenticate } from './auth.js';
import { ApiError, ERROR_STATUS, errorBody } from './errors.js';
import type { IdempotencyStore } from './idempotency.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Read by the OpenAPI document: the route answers without the stream's revision. */
    withholdRevision?: boolean;
  }
}

export interface WriteDeps {
  store: EventStore;
  clock: Clock;
  authenticate: Authenticate;
  idempotency: IdempotencyStore;
}

/** The body of a refused command; the rule id, when there is one, leads the details. */
export function rejectionBody(r: Rejection) {
  const details = r.ruleId ? { ruleId: r.ruleId, ...(r.details && typeof r.details === 'object' && !Array.isArray(r.details) ? r.details : r.details !== undefined ? { info: r.details } : {}) } : r.details;
  return errorBody(r.code, r.ruleId ? `${r.ruleId}: ${r.message}` : r.message, details);
}

export interface HttpResponse {
  status: number;
  body: unknown;
  etag?: string;
}

/**
 * An outcome as an HTTP response: 201 with where the fact landed and its ETag, or the refusal.
 * `withholdRevision`: the stream's revision is left out, body and ETag (see WriteRouteSpec).
 */
export function outcomeResponse(outcome: Outcome, status = 201, withholdRevision = false): HttpResponse {
  if (!outcome.ok) return { status: ERROR_STATUS[outcome.rejection.code], body: rejectionBody(outcome.rejection) };
  const { ok: _ok, revision, position, ...rest } = outcome;
  if (withholdRevision) return { status, body: { ...rest, position: position.toString() } };
  return { status, body: { ...rest, revision: revision.toString(), position: position.toString() }, etag: `"${revision}"` };
}

/** The revision If-Match expects, if sent; refused outright on a route that withholds revisions (see WriteRouteSpec). */
function parseIfMatch(header: string | string[] | undefined, withheld: boolean): bigint | undefined {
  if (header === undefined) return undefined;
  if (withheld) throw new ApiError('VALIDATION_FAILED', "If-Match is not taken here: the stream written is the person's, whose revision is not the caller's to know", [{ path: 'headers.if-match', message: 'not taken by this route' }]);
  const value = Array.isArray(header) ? header[0]! : header;
  const m = /^\s*(?:W\/)?"?(\d{1,19})"?\s*$/.exec(value);
  if (!m) throw new ApiError('VALIDATION_FAILED', 'If-Match must be a stream revision such as "7"', [{ path: 'headers.if-match', message: 'not a revision' }]);
  return BigInt(m[1]!);
}

interface WriteRouteSpec<B extends z.ZodType, P extends z.ZodType> {
  url: string;
  roles: readonly Role[];
  body: B;
  params?: P;
  summary: string;
  status?: number;
  run: (ctx: CommandContext, body: z.output<B>, params: z.output<P>) => Promise<Outcome | HttpResponse>;
  /**
   * The stream written is a person's, which the route's roles do not read (an institution recording
   * an enrolment or a completion): its revision counts every other fact of that person, from other
   * institutions, employers and the bureau, so the answer leaves it out (no ETag either) and
   * If-Match, which would probe it, is refused. The global position stays: it says nothing of them.
   */
  withholdRevision?: boolean;
}

/**
 * One write route: authentication by role, If-Match as the expected revision, Idempotency-Key
 * replay, the command, and the mapping of its outcome. Every write route goes through here.
 */
export function writeRoute<B extends z.ZodType, P extends z.ZodType>(app: FastifyInstance, deps: WriteDeps, spec: WriteRouteSpec<B, P>) {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: 'POST',
    url: spec.url,
    schema: { body: spec.body, ...(spec.params ? { params: spec.params } : {}), summary: spec.summary },
    config: { withholdRevision: spec.withholdRevision ?? false },
    onRequest: deps.authenticate(spec.roles),
    handler: async (req: FastifyRequest, reply: FastifyReply) => {
      const actor = req.principal!;
      const key = req.headers['idempotency-key'];
      const idemKey = typeof key === 'string' && key.length > 0 ? key.slice(0, 200) : undefined;
      const scope = `${actor.role}:${actor.sub}`;
      const bodyHash = createHash('sha256').update(`${req.method} ${req.url} ${canonicalJson((req.body ?? null) as Json)}`).digest('hex');
      const answer = async (): Promise<HttpResponse & { replayed?: boolean }> => {
        const first = idemKey ? deps.idempotency.get(scope, idemKey) : undefined;
        if (first) {
          if (first.bodyHash !== bodyHash) {
            return { status: 422, body: errorBody('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request') };
          }
          return { status: first.status, body: JSON.parse(first.body) as unknown, ...(first.etag ? { etag: first.etag } : {}), replayed: true };
        }
        const correlation = req.headers['x-correlation-id'];
        const ctx: CommandContext = {
          store: deps.store,
          clock: deps.clock,
          actor,
          ...(idemKey ? { idempotencyKey: idemKey } : {}),
          ...(typeof correlation === 'string' && correlation.length > 0 ? { correlationId: correlation.slice(0, 200) } : {}),
          ...(() => {
            const ifMatch = parseIfMatch(req.headers['if-match'], spec.withholdRevision ?? false);
            return ifMatch === undefined ? {} : { ifMatch };
          })(),
        };
        const result = await spec.run(ctx, req.body as z.output<B>, req.params as z.output<P>);
        const response = 'ok' in result ? outcomeResponse(result, spec.status, spec.withholdRevision) : result;
        if (idemKey && response.status < 500) {
          deps.idempotency.put(scope, idemKey, {
            bodyHash,
            status: response.status,
            body: JSON.stringify(response.body),
            ...(response.etag ? { etag: response.etag } : {}),
          });
        }
        return response;
      };
      const response = idemKey ? await deps.idempotency.exclusive(scope, idemKey, answer) : await answer();
      if (response.replayed) void reply.header('idempotent-replayed', 'true');
      if (response.etag) void reply.header('etag', response.etag);
      return reply.code(response.status).send(response.body);
    },
  });
}
