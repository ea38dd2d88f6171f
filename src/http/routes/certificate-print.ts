import { availableParallelism } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { qrUrl } from '../../certificates/content.js';
import { certificateHtml } from '../../certificates/printed/html.js';
import { printedCertificate } from '../../certificates/printed/model.js';
import { PdfPool } from '../../certificates/printed/pdf-pool.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Authenticate } from '../auth.js';
import { refusalError } from '../errors.js';
import { knowsYear, notFound } from '../../domain/authorize.js';
import type { Principal } from '../../security/principal.js';

const CertNo = z.object({ no: z.string().regex(/^[A-Z]{2}-\d{4}-\d{6}$/, 'a certificate number such as ZZ-2014-000001') });

export interface CertificatePrintDeps {
  read: ReadSide;
  authenticate: Authenticate;
  publicBaseUrl: string;
  /** The issuing bureau's name by jurisdiction (configuration). */
  bureauName: (jurisdiction: string) => string;
  /** Threads that render PDFs (started on the first one), off the event loop. */
  pdfThreads?: number;
}

/**
 * The printed certificate for the bureau that issued it and for its holder: a PDF and a page to
 * print from a browser. It carries the holder's full name, so no cache may keep it.
 */
export function certificatePrintRoutes(app: FastifyInstance, deps: CertificatePrintDeps) {
  const pool = new PdfPool(deps.pdfThreads ?? Math.min(2, availableParallelism()));
  app.addHook('onClose', () => pool.close());
  const r = app.withTypeProvider<ZodTypeProvider>();
  const holderOrBureau = deps.authenticate(['professional', 'bureau']);
  const printed = async (actor: Principal, no: string) => {
    const found = await deps.read.models.certificate(no);
    // Out of reach, a certificate is answered as one that does not exist (not as its holder).
    if (!found || !knowsYear(actor, found.record, found.cert.issued.year)) throw refusalError(notFound.certificate(no));
    const issued = found.cert.issued;
    const qr = qrUrl(deps.publicBaseUrl, { certificateNumber: no, digest: issued.digest, signature: issued.signature, keyId: issued.keyId });
    return printedCertificate(found.record, found.cert, found.status, deps.bureauName(issued.content.jurisdiction), qr);
  };
  r.get(
    '/v1/certificates/:no/certificate.pdf',
    { onRequest: holderOrBureau, schema: { params: CertNo, summary: 'The printed certificate: PDF, A4 landscape, Chinese font embedded, with the QR code (ST-11)' } },
    async (req, reply) => {
      const pdf = await pool.render(await printed(req.principal!, req.params.no));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${req.params.no}.pdf"`).header('cache-control', 'no-store').send(pdf);
    },
  );
  r.get(
    '/v1/certificates/:no/certificate.html',
    { onRequest: holderOrBureau, schema: { params: CertNo, summary: 'The printed certificate as a page to print from a browser (A4 landscape)' } },
    async (req, reply) => {
      const html = await certificateHtml(await printed(req.principal!, req.params.no));
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    },
  );
}
