import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import QRCode from 'qrcode';
import { z } from 'zod';
import { IssueCertificate, RevokeCertificate, StampCertificate } from '../../../schemas/commands.js';
import { RecordId, Year } from '../../../schemas/common.js';
import { issueCertificate, revokeCertificate, stampCertificate } from '../../certificates/commands.js';
import type { CertificateDeps } from '../../certificates/commands.js';
import { encodeQr, qrUrl } from '../../certificates/content.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Authenticate } from '../auth.js';
import { refusalError } from '../errors.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';
import { onceVisible } from './persons-read.js';
import { notFound, readReach } from '../../domain/authorize.js';

const CertNo = z.object({ no: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/, 'a certificate number such as ZZ-2014-000001') });

export function certificateRoutes(app: FastifyInstance, deps: WriteDeps & CertificateDeps & { read: ReadSide; authenticate: Authenticate; waitMs: number }) {
  writeRoute(app, deps, {
    url: '/v1/persons/:id/years/:year/certificate',
    roles: ['bureau'],
    body: IssueCertificate.optional().default({}),
    params: z.object({ id: RecordId, year: z.coerce.number().pipe(Year) }),
    summary: 'Issue (or re-issue) the year certificate, dated issuedOn (default today); only for a compliant year (ST-11), signed off where required (SC-8)',
    run: (ctx, body, p) => issueCertificate(ctx, p.id, p.year, deps, body),
  });
  writeRoute(app, deps, {
    url: '/v1/certificates/:no/stamps',
    roles: ['bureau'],
    body: StampCertificate,
    params: CertNo,
    summary: 'Stamp (verify) a certificate (ZZ-7, FZ-6, ST-4, ST-12)',
    run: (ctx, body, p) => stampCertificate(ctx, p.no, body, deps),
  });
  writeRoute(app, deps, {
    url: '/v1/certificates/:no/revocation',
    roles: ['bureau'],
    body: RevokeCertificate,
    params: CertNo,
    summary: 'Revoke a certificate (ST-13: forged, altered, rented out, lent, transferred; or fraudulent credit, error)',
    run: async (ctx, body, p) => onceVisible(deps.read, deps.waitMs, await revokeCertificate(ctx, p.no, body)),
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = deps.authenticate(['professional', 'employer', 'bureau', 'auditor']);
  const find = async (actor: Parameters<typeof readReach>[0], no: string) => {
    const found = await deps.read.models.certificate(no);
    const hidden = refusalError(notFound.certificate(no));
    if (!found) throw hidden;
    const reach = readReach(actor, found.record);
    // Out of reach, a certificate is answered as one that does not exist.
    if (!reach || (reach.kind === 'former' && !(found.year && reach.holds(found.year)))) throw hidden;
    return found;
  };
  const qrOf = (f: Awaited<ReturnType<typeof find>>) => {
    const payload = { certificateNumber: f.cert.certificateNumber, digest: f.cert.issued.digest, signature: f.cert.issued.signature, keyId: f.cert.issued.keyId };
    return deps.publicBaseUrl ? qrUrl(deps.publicBaseUrl, payload) : encodeQr(payload);
  };

  r.get('/v1/certificates/:no', { onRequest: readers, schema: { params: CertNo, summary: 'A certificate: signed content, state, QR payload' } }, async (req) => {
    const f = await find(req.principal!, req.params.no);
    return { ...f.cert.issued, status: f.status, stamps: f.cert.stamps, revocation: f.cert.revocation ?? null, qr: qrOf(f) };
  });
  r.get('/v1/certificates/:no/qr.svg', { onRequest: readers, schema: { params: CertNo, summary: 'The QR code to print on the certificate (SVG)' } }, async (req, reply) => {
    const svg = await QRCode.toString(qrOf(await find(req.principal!, req.params.no)), { type: 'svg', errorCorrectionLevel: 'M' });
    return reply.type('image/svg+xml').send(svg);
  });
  r.get('/v1/certificates/:no/qr.png', { onRequest: readers, schema: { params: CertNo, summary: 'The QR code to print on the certificate (PNG)' } }, async (req, reply) => {
    const png = await QRCode.toBuffer(qrOf(await find(req.principal!, req.params.no)), { type: 'png', errorCorrectionLevel: 'M', width: 320 });
    return reply.type('image/png').send(png);
  });
  r.get('/v1/keys', { schema: { summary: 'Public keys that sign certificates, for offline verification' } }, async () => ({
    keys: deps.keyring.publicKeys(),
    current: deps.keyring.currentKeyId,
  }));
}
