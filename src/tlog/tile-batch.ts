import { HASH_SIZE, TILE_WIDTH } from './tiles.js';
import { hashLeafTile, INTERIOR_BYTES } from './tile-hash.js';

/**
 * Full level-0 tiles to hash, in shared memory: the entries in, each tile with its interior out, and
 * a state word (queued, claimed, done) that the log's thread and the hasher's thread each claim
 * with a compare-and-swap, so that whichever gets to a batch first hashes it and no batch is hashed
 * twice.
 */
export interface TileBatch {
  state: Int32Array;
  entries: Uint8Array;
  out: Uint8Array;
  tiles: number;
}

const QUEUED = 0;
const CLAIMED = 1;
const DONE = 2;
const ENTRY_BYTES = TILE_WIDTH * HASH_SIZE;

export function newBatch(capacity: number): TileBatch {
  return {
    state: new Int32Array(new SharedArrayBuffer(4)),
    entries: new Uint8Array(new SharedArrayBuffer(capacity * ENTRY_BYTES)),
    out: new Uint8Array(new SharedArrayBuffer(capacity * INTERIOR_BYTES)),
    tiles: 0,
  };
}

/** Adds one tile's 256 entries (bytes `from[at..]`) to the batch. */
export function addTile(batch: TileBatch, from: Uint8Array, at: number): void {
  batch.entries.set(from.subarray(at, at + ENTRY_BYTES), batch.tiles * ENTRY_BYTES);
  batch.tiles++;
}

export const unclaimed = (batch: TileBatch): boolean => Atomics.load(batch.state, 0) === QUEUED;

export const claim = (batch: TileBatch): boolean => Atomics.compareExchange(batch.state, 0, QUEUED, CLAIMED) === QUEUED;

export function hashBatch(batch: TileBatch): void {
  for (let i = 0; i < batch.tiles; i++) hashLeafTile(batch.entries, i * ENTRY_BYTES, batch.out, i * INTERIOR_BYTES);
  Atomics.store(batch.state, 0, DONE);
  Atomics.notify(batch.state, 0);
}

/** Blocks until the batch is hashed by whichever thread claimed it; throws if that takes longer than any batch can. */
export function awaitBatch(batch: TileBatch, timeoutMs = 30_000): void {
  const until = Date.now() + timeoutMs;
  for (let s = Atomics.load(batch.state, 0); s !== DONE; s = Atomics.load(batch.state, 0)) {
    if (Date.now() > until) throw new Error('the tile hasher thread stopped before finishing a batch');
    Atomics.wait(batch.state, 0, s, 1_000);
  }
}

/** Tile `i` of a hashed batch, with its interior. */
export const tileOf = (batch: TileBatch, i: number): Uint8Array => batch.out.subarray(i * INTERIOR_BYTES, (i + 1) * INTERIOR_BYTES);
