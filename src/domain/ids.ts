import { createHash } from 'node:crypto';

/**
 * A UUID derived from a name (SHA-256, shaped as version 8): the same command yields the same event
 * ids, so a retried request is an idempotent no-op in the store instead of a second fact.
 */
export function uuidFromName(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Short stable digest of a value, for ids derived from a request's content. */
export function shortDigest(text: string, length = 12): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
