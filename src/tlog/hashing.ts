import { hash } from 'node:crypto';

/** RFC 9162 §2.1.1 hashing: a leaf and an interior node are told apart by their first byte. */
const leafInput = Buffer.alloc(33);
const nodeInput = Buffer.alloc(65);
leafInput[0] = 0x00;
nodeInput[0] = 0x01;

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

/** The leaf of an event from its hex hash, written straight into the reused input (no Buffer per event). */
export function leafHashOfHex(eventHashHex: string): Buffer | undefined {
  if (eventHashHex.length !== 64 || leafInput.write(eventHashHex, 1, 32, 'hex') !== 32) return undefined;
  return hash('sha256', leafInput, 'buffer');
}

/** SHA-256(0x01 ‖ left ‖ right), through one reused input buffer (it runs once per leaf in a rebuild). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return hash('sha256', nodeInput, 'buffer');
}

/** Largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
