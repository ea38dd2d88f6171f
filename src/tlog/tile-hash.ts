import { leafInto, nodeInto } from './sha256.js';
import { HASH_SIZE, TILE_WIDTH } from './tiles.js';

/** Bytes of a full tile with all its interior levels: 256 + 128 + … + 1 hashes. */
export const INTERIOR_BYTES = (TILE_WIDTH * 2 - 1) * HASH_SIZE;

/** Hashes the levels of a full tile above its 256 hashes into the same buffer: 128, 64, …, its root. */
export function hashInterior(out: Uint8Array, at = 0): void {
  let from = 0;
  let to = TILE_WIDTH;
  for (let width = TILE_WIDTH; width > 1; width /= 2) {
    for (let i = 0; i < width; i += 2) nodeInto(out, at + (from + i) * HASH_SIZE, out, at + (from + i + 1) * HASH_SIZE, out, at + (to + i / 2) * HASH_SIZE);
    from = to;
    to += width / 2;
  }
}

/** A full level-0 tile of 256 entries (32 bytes each, at `entries[e..]`) with its interior, into `out[o..o+INTERIOR_BYTES]`. */
export function hashLeafTile(entries: Uint8Array, e: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < TILE_WIDTH; i++) leafInto(entries, e + i * HASH_SIZE, out, o + i * HASH_SIZE);
  hashInterior(out, o);
}
