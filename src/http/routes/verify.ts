import type { FastifyError, FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeQr } from '../../certificates/content.js';
import { HolderBudget } from '../../certificates/holder-budget.js';
import { verifyWithinBudget } from '../../certificates/verify.js';
import type { BudgetedAnswer, VerifyAnswer, VerifyRequest } from '../../certificates/verify.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Keyring } from '../../security/signing-keys.js';
import { answerError, ApiError, errorBody } from '../errors.js';
import { jsonSchemaValidatorCompiler } from '../json-schema-validation.js';
import type { AppMetrics, RouteRecorder } from '../metrics.js';
import { FixedWindowLimiter, rateLimitHook } from '../rate-limit.js';
import { awaitPosition, MinPosition } from './persons-read.js';

// `regex(/\S/)` says what `trim().min(1)` does in a form the JSON Schema these routes validate with keeps.
const Holder = z.string().trim().min(1).max(100).regex(/\S/);

/**
 * An answer that carries a certificate is fully determined by the read model's document (whose
 * `certificate` object it shares), so its bytes and headers are made once per document and reused
 * until the projector replaces the document; the public hot path then serializes nothing.
 */
interface ReadyAnswer {
  body: Buffer;
  headers: string[];
}
const readyAnswers = new WeakMap<object, ReadyAnswer>();

/**
 * JSON with every character past ASCII escaped (`\u6d4b`): the same value to any JSON reader, and
 * cheaper for a client to take in: against a canned server, autocannon spent 14% more CPU per
 * response on the answer with one Chinese character in UTF-8 than on hello-world's, 5% more on the
 * same answer escaped (a pure-ASCII body decodes on the fast path).
 */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function readyAnswer(answer: VerifyAnswer, certificate: object): ReadyAnswer {
  let ready = readyAnswers.get(certificate);
  if (ready === undefined) {
    const body = Buffer.from(asciiJson(answer), 'latin1');
    ready = { body, headers: ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length)] };
    readyAnswers.set(certificate, ready);
  }
  return ready;
}

/**
 * A ready answer is written straight to the response (`reply.hijack()`): through `reply.send`, a
 * string body is measured and UTF-8 encoded byte by byte on every request, and a Buffer one goes
 * through Fastify's header object; written raw, the request cost ~5% less server CPU than either
 * (same process, alternating 1 s rounds). The verification scope has no onSend or onResponse hooks
 * that this would skip, and a HEAD request still gets no body (Node drops it).
 */
function sendAnswer(reply: FastifyReply, budgeted: BudgetedAnswer, recorder: RouteRecorder | undefined): void {
  if (!budgeted.ok) {
    recorder?.observe(429, reply.elapsedTime / 1000);
    void reply.header('x-request-id', reply.request.id);
    const wait = budgeted.retryAfterSeconds;
    void reply.code(429).header('retry-after', wait).send(errorBody('RATE_LIMITED', `too many failed holder checks of this certificate number, retry in ${wait} s`));
    return;
  }
  const answer = budgeted.answer;
  recorder?.observe(200, reply.elapsedTime / 1000);
  if (!answer.certificate) {
    void reply.header('x-request-id', reply.request.id).send(answer);
    return;
  }
  const { body, headers } = readyAnswer(answer, answer.certificate);
  reply.hijack();
  reply.raw.writeHead(200, [...headers, 'x-request-id', reply.request.id]);
  reply.raw.end(body);
}

export interface VerifyDeps {
  read: ReadSide;
  keyring: Keyring;
  idPepper: Buffer;
  perMinute: number;
  /** Failed holder checks per certificate number (a fresh budget per app unless given). */
  holderBudget?: HolderBudget;
  /** Milliseconds since the epoch; the limiter and the budget count by it. */
  now?: () => number;
  /** Whether the client address is taken from X-Forwarded-For (Fastify's `trustProxy`): then it is read per request, not per connection. */
  trustProxy?: boolean;
  /** Requests counted and timed by route (the answer's own time; the scope has no response hooks). */
  metrics?: AppMetrics;
  /** Where server faults on these routes are logged; they log nothing per request. */
  log: Logger;
  /** Longest wait of a `?minPosition=` verification for the read side. */
  waitMs: number;
}

/** What a verdict needs: the read model, the keys, the pepper, and the failure budget with its clock. */
export type VerdictDeps = Pick<VerifyDeps, 'read' | 'keyring' | 'idPepper'> & { budget: HolderBudget; now: () => number };

/** The verdict on one request within the holder-failure budget, as the JSON routes and the verification page give it. */
export function verdictFor(deps: VerdictDeps, req: VerifyRequest): BudgetedAnswer {
  return verifyWithinBudget(req, deps.read.models.verification(req.certificateNumber), deps.keyring, deps.idPepper, deps.budget, deps.now());
}

/**
 * Public: anyone checks that a certificate is authentic and belongs to the person showing it. To be
 * registered in a scope of its own, outside `logRequests`: the hottest public path makes no
 * per-request logger (binding the request id runs through the wildcard redaction) and no response
 * listeners, and logs only its server faults, with no request id since there is nothing to
 * correlate. Nor does a verifier's query string, which may hold an ID number, reach a log.
 */
export function verifyRoutes(app: FastifyInstance, deps: VerifyDeps): { rateLimit: onRequestHookHandler; budget: HolderBudget; now: () => number } {
  const log = deps.log.child({ scope: 'verify' });
  app.setErrorHandler<FastifyError>((err, req, reply) => answerError(err, log, reply.header('x-request-id', req.id)));
  const r = app.withTypeProvider<ZodTypeProvider>();
  // One count per client across both routes: a verifier scanning or typing shares the allowance.
  const now = deps.now ?? Date.now;
  const budget = deps.holderBudget ?? new HolderBudget();
  const byNumber = deps.metrics?.route('GET', '/v1/verify/:no');
  const byQr = deps.metrics?.route('GET', '/v1/verify');
  const onRequest = rateLimitHook(new FixedWindowLimiter({ max: deps.perMinute, windowMs: 60_000, now }), deps.trustProxy);
  const verdictDeps: VerdictDeps = { read: deps.read, keyring: deps.keyring, idPepper: deps.idPepper, budget, now };
  // Without minPosition the answer stays synchronous: the hot path awaits nothing.
  const afterPosition = (minPosition: string | undefined, answer: () => void): void | Promise<void> =>
    minPosition === undefined ? answer() : awaitPosition(deps.read, minPosition, deps.waitMs).then(answer);
  r.get(
    '/v1/verify/:no',
    {
      onRequest,
      validatorCompiler: jsonSchemaValidatorCompiler,
      schema: {
        summary: 'Verdict on a certificate shown by someone: authentic, unstamped, revoked, invalidated, holder-mismatch, altered, not-found',
        params: z.object({ no: z.string().min(1).max(60) }),
        querystring: z.object({ holder: Holder, digest: z.string().regex(/^[0-9a-f]{64}$/).optional(), ...MinPosition.shape }),
      },
    },
    (req, reply) =>
      afterPosition(req.query.minPosition, () =>
        sendAnswer(reply, verdictFor(verdictDeps, { certificateNumber: req.params.no, holder: req.query.holder, digest: req.query.digest }), byNumber),
      ),
  );
  r.get(
    '/v1/verify',
    {
      onRequest,
      validatorCompiler: jsonSchemaValidatorCompiler,
      schema: {
        summary: 'Verdict from a scanned QR payload: its signature is checked first, then the ledger',
        querystring: z.object({ qr: z.string().min(1).max(400), holder: Holder, ...MinPosition.shape }),
      },
    },
    (req, reply) => {
      const qr = decodeQr(req.query.qr);
      if (!qr) throw new ApiError('VALIDATION_FAILED', 'not a celedger QR payload', [{ path: 'querystring.qr', message: 'expected the URL of a certificate QR code (…/v/<number>#<digest>.<signature>.<keyId>) or CEL1.<number>.<digest>.<signature>.<keyId>' }]);
      return afterPosition(req.query.minPosition, () => sendAnswer(reply, verdictFor(verdictDeps, { certificateNumber: qr.certificateNumber, holder: req.query.holder, qr }), byQr));
    },
  );
  // The verification page counts against the same allowance and the same holder-failure budget.
  return { rateLimit: onRequest, budget, now };
}
