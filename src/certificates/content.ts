import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { CertificateContent } from '../../schemas/events.js';
import { canonicalJson } from '../store/integrity.js';
import type { Json } from '../store/port.js';

export type Content = z.infer<typeof CertificateContent>;

/** SHA-256 of the content's canonical JSON: what the signature covers and the QR code carries. */
export function contentDigest(content: Content): string {
  return createHash('sha256').update(canonicalJson(content as unknown as Json)).digest('hex');
}

const QR_PREFIX = 'CEL1';

export interface QrPayload {
  certificateNumber: string;
  digest: string;
  signature: string;
  keyId: string;
}

/**
 * `CEL1.<number>.<digest>.<signature>.<keyId>`: the payload of the first certificates' QR codes
 * (still read by `decodeQr`), and the form the page's script hands to `GET /v1/verify?qr=`.
 */
export function encodeQr(p: QrPayload): string {
  return [QR_PREFIX, p.certificateNumber, p.digest, p.signature, p.keyId].join('.');
}

const NUMBER = /^[A-Z]{2}-\d{4}-\d{6}$/;

function checked(p: QrPayload): QrPayload | undefined {
  if (!NUMBER.test(p.certificateNumber) || !/^[0-9a-f]{64}$/.test(p.digest) || !/^[A-Za-z0-9_-]+$/.test(p.signature) || !/^[A-Za-z0-9_-]+$/.test(p.keyId)) return undefined;
  return p;
}

/**
 * What the QR code of a certificate holds: the URL of the public verification page, which any
 * phone's camera opens, with the signed payload `<digest>.<signature>.<keyId>` after `#`. A browser
 * never sends the part after `#` to the server, so the payload stays out of every request line and
 * log; the page's script checks the signature with it.
 */
export function qrUrl(publicBaseUrl: string, p: QrPayload): string {
  return `${publicBaseUrl}/v/${p.certificateNumber}#${[p.digest, p.signature, p.keyId].join('.')}`;
}

/** Reads a scanned payload: a page URL (`…/v/<number>#<digest>.<signature>.<keyId>`) or the older `CEL1.` text. */
export function decodeQr(text: string): QrPayload | undefined {
  const s = text.trim();
  const url = /\/v\/([A-Z]{2}-\d{4}-\d{6})#([0-9a-f]{64})\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(s);
  if (url && /^https?:\/\//.test(s)) return checked({ certificateNumber: url[1]!, digest: url[2]!, signature: url[3]!, keyId: url[4]! });
  const parts = s.split('.');
  if (parts.length !== 5 || parts[0] !== QR_PREFIX) return undefined;
  const [, certificateNumber, digest, signature, keyId] = parts as [string, string, string, string, string];
  return checked({ certificateNumber, digest, signature, keyId });
}
