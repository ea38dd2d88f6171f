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
 * `CEL1.<number>.<digest>.<signature>.<keyId>`: short enough for a QR code, and enough for an
 * offline check (signature over the digest with a published key) before the online lookup.
 */
export function encodeQr(p: QrPayload): string {
  return [QR_PREFIX, p.certificateNumber, p.digest, p.signature, p.keyId].join('.');
}

export function decodeQr(text: string): QrPayload | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 5 || parts[0] !== QR_PREFIX) return undefined;
  const [, certificateNumber, digest, signature, keyId] = parts as [string, string, string, string, string];
  if (!/^[A-Z]{2}-\d{4}-\d{6}$/.test(certificateNumber) || !/^[0-9a-f]{64}$/.test(digest) || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
  return { certificateNumber, digest, signature, keyId };
}
