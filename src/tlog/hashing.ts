import { hash } from 'node:crypto';
import { nodeInto } from './sha256.js';

/** RFC 9162 §2.1.1 hashing: a leaf and an interior node are told apart by their first byte. */
const leafInput = Buffer.alloc(33);
leafInput[0] = 0x00;

/** MTH({}) : the hash of the empty string. */
export const EMPTY_ROOT: Buffer = hash('sha256', Buffer.alloc(0), 'buffer');

/** Leaf hash of an entry: SHA-256(0x00 ‖ entry). The log's entries are the events' 32-byte hashes. */
export function leafHash(entry: Buffer): Buffer {
  if (entry.length === 32) {
    entry.copy(leafInput, 1);
    return hash('sha256', leafInput, 'buffer');
  }
  return hash('sha256', Buffer.concat([leafInput.subarray(0, 1), entry]), 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  const out = Buffer.allocUnsafe(32);
  nodeInto(left, 0, right, 0, out, 0);
  return out;
}

/** Largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
