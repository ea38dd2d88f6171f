import type { FastifyError, FastifyInstance, FastifyReply, onRequestHookHandler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { decodeQr } from '../../certificates/content.js';
import { verifyCertificate } from '../../certificates/verify.js';
import type { VerifyAnswer, VerifyRequest } from '../../certificates/verify.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Keyring } from '../../security/signing-keys.js';
import { answerError, ApiError } from '../errors.js';
import { jsonSchemaValidatorCompiler } from '../json-schema-validation.js';
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
function sendAnswer(reply: FastifyReply, answer: VerifyAnswer): void {
  if (!answer.certificate) {
    void reply.send(answer);
    return;
  }
  const { body, headers } = readyAnswer(answer, answer.certificate);
  reply.hijack();
  reply.raw.writeHead(200, headers);
  reply.raw.end(body);
}

export interface VerifyDeps {
  read: ReadSide;
  keyring: Keyring;
  idPepper: Buffer;
  perMinute: number;
  /** Where server faults on these routes are logged; they log nothing per request. */
  log: Logger;
  /** Longest wait of a `?minPosition=` verification for the read side. */
  waitMs: number;
}

/** The verdict on one request, as the JSON routes and the verification page give it. */
export function verdictFor(deps: Pick<VerifyDeps, 'read' | 'keyring' | 'idPepper'>, req: VerifyRequest): VerifyAnswer {
  return verifyCertificate(req, deps.read.models.verification(req.certificateNumber), deps.keyring, deps.idPepper);
}

/**
 * Public: anyone checks that a certificate is authentic and belongs to the person showing it. To be
 * registered in a scope of its own, outside `logRequests`: the hottest public path makes no
 * per-request logger (binding the request id runs through the wildcard redaction) and no response
 * listeners, and logs only its server faults, with no request id since there is nothing to
 * correlate. Nor does a verifier's query string, which may hold an ID number, reach a log.
 */
export function verifyRoutes(app: FastifyInstance, deps: VerifyDeps): { rateLimit: onRequestHookHandler } {
  const log = deps.log.child({ scope: 'verify' });
  app.setErrorHandler<FastifyError>((err, _req, reply) => answerError(err, log, reply));
  const r = app.withTypeProvider<ZodTypeProvider>();
  // One count per client across both routes: a verifier scanning or typing shares the allowance.
  // Without minPosition the answer stays synchronous: the hot path awaits nothing.
  const afterPosition = (minPosition: string | undefined, answer: () => void): void | Promise<void> =>
    minPosition === undefined ? answer() : awaitPosition(deps.read, minPosition, deps.waitMs).then(answer);
  const onRequest = rateLimitHook(new FixedWindowLimiter({ max: deps.perMinute, windowMs: 60_000 }));
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
      afterPosition(req.query.minPosition, () => sendAnswer(reply, verdictFor(deps, { certificateNumber: req.params.no, holder: req.query.holder, digest: req.query.digest }))),
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
      return afterPosition(req.query.minPosition, () => sendAnswer(reply, verdictFor(deps, { certificateNumber: qr.certificateNumber, holder: req.query.holder, qr })));
    },
  );
  // The verification page counts against the same allowance.
  return { rateLimit: onRequest };
}
