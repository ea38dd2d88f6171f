import { leafInto, nodeInto } from './sha256.js';
import { HASH_SIZE, TILE_WIDTH } from './tiles.js';

/** Bytes of a full tile with all its interior levels: 256 + 128 + … + 1 hashes. */
export const INTERIOR_BYTES = (TILE_WIDTH * 2 - 1) * HASH_SIZE;

/**
 * Heights inside a tile from which the log stores a full tile's interior nodes: 16 + 8 + 4 + 2 + 1
 * hashes after its 256, the last rows of the interior. A proof then hashes at most 7 nodes of a tile
 * (its siblings below this height) instead of 255, for 12% more bytes per tile.
 */
export const STORED_FROM_HEIGHT = 4;
/** Where the row of height h starts in an interior, in hashes: 256 + 128 + … + 256 / 2^(h-1). */
export const rowStart = (h: number): number => TILE_WIDTH * 2 - (TILE_WIDTH * 2) / 2 ** h;
const KEPT_AT = rowStart(STORED_FROM_HEIGHT) * HASH_SIZE;
/** Bytes of a full tile as stored: its 256 hashes, then its interior rows from STORED_FROM_HEIGHT up. */
export const STORED_TILE_BYTES = TILE_WIDTH * HASH_SIZE + INTERIOR_BYTES - KEPT_AT;

/** The stored form of a full tile from its whole interior. */
export function storedTile(interior: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(STORED_TILE_BYTES);
  out.set(interior.subarray(0, TILE_WIDTH * HASH_SIZE));
  out.set(interior.subarray(KEPT_AT, INTERIOR_BYTES), TILE_WIDTH * HASH_SIZE);
  return out;
}

/**
 * Hashes the interior of a tile whose first `to` hashes are set and whose interior was hashed for
 * the first `from` (0 ≤ from ≤ to ≤ 256): each node above them whose subtree lies within `to`, in
 * place. Rows follow one another: 256 hashes, then 128, …, then the tile's root when `to` is 256.
 */
export function extendInterior(out: Uint8Array, at: number, from: number, to: number): void {
  let below = 0;
  let row = TILE_WIDTH;
  for (let width = TILE_WIDTH / 2, r = 1; width >= 1; width /= 2, r++) {
    for (let j = Math.floor(from / 2 ** r); j < Math.floor(to / 2 ** r); j++) {
      nodeInto(out, at + (below + 2 * j) * HASH_SIZE, out, at + (below + 2 * j + 1) * HASH_SIZE, out, at + (row + j) * HASH_SIZE);
    }
    below = row;
    row += width;
  }
}

/** Hashes the levels of a full tile above its 256 hashes into the same buffer: 128, 64, …, its root. */
export const hashInterior = (out: Uint8Array, at = 0): void => extendInterior(out, at, 0, TILE_WIDTH);

/** A full level-0 tile of 256 entries (32 bytes each, at `entries[e..]`) with its interior, into `out[o..o+INTERIOR_BYTES]`. */
export function hashLeafTile(entries: Uint8Array, e: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < TILE_WIDTH; i++) leafInto(entries, e + i * HASH_SIZE, out, o + i * HASH_SIZE);
  hashInterior(out, o);
}
