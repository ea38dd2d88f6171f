import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeQr } from '../../certificates/content.js';
import { verifyCertificate } from '../../certificates/verify.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Keyring } from '../../security/signing-keys.js';
import { ApiError } from '../errors.js';

const Holder = z.string().trim().min(1).max(100);

/** Public: anyone checks that a certificate is authentic and belongs to the person showing it. */
export function verifyRoutes(app: FastifyInstance, deps: { read: ReadSide; keyring: Keyring; idPepper: Buffer; perMinute: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // The limit's headers are left off successful answers: a verifier has no use for them, and on
  // the public hot path every header costs. Over the limit the client still gets 429 and Retry-After.
  const config = {
    rateLimit: {
      max: deps.perMinute,
      timeWindow: 60_000,
      addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    },
  };
  r.get(
    '/v1/verify/:no',
    {
      config,
      logLevel: 'warn',
      schema: {
        summary: 'Verdict on a certificate shown by someone: authentic, unstamped, revoked, invalidated, holder-mismatch, altered, not-found',
        params: z.object({ no: z.string().min(1).max(60) }),
        querystring: z.object({ holder: Holder, digest: z.string().regex(/^[0-9a-f]{64}$/).optional() }),
      },
    },
    async (req) =>
      verifyCertificate(
        { certificateNumber: req.params.no, holder: req.query.holder, ...(req.query.digest ? { digest: req.query.digest } : {}) },
        deps.read.models.verification(req.params.no),
        deps.keyring,
        deps.idPepper,
      ),
  );
  r.get(
    '/v1/verify',
    {
      config,
      logLevel: 'warn',
      schema: {
        summary: 'Verdict from a scanned QR payload: its signature is checked first, then the ledger',
        querystring: z.object({ qr: z.string().min(1).max(400), holder: Holder }),
      },
    },
    async (req) => {
      const qr = decodeQr(req.query.qr);
      if (!qr) throw new ApiError('VALIDATION_FAILED', 'not a celedger QR payload', [{ path: 'querystring.qr', message: 'expected CEL1.<number>.<digest>.<signature>.<keyId>' }]);
      return verifyCertificate({ certificateNumber: qr.certificateNumber, holder: req.query.holder, qr }, deps.read.models.verification(qr.certificateNumber), deps.keyring, deps.idPepper);
    },
  );
}
