import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/start-thread.js';
import { addTile, awaitBatch, claim, hashBatch, newBatch, tileOf, unclaimed } from './tile-batch.js';
import type { TileBatch } from './tile-batch.js';

/**
 * Hashes full level-0 tiles (a bulk fold's leaves and their interiors, most of a tree's hashing) on a
 * second thread while the log's thread decodes and keeps the entries, then joins in: `drain` hashes
 * on the calling thread every batch the other has not started, from the newest back, and waits for
 * the rest. The result does not depend on which thread hashed what.
 */
export class TileHasher {
  private worker: Worker | undefined;
  private posted: TileBatch[] = [];
  private filling: TileBatch | undefined;
  /** Batches hashed by the second thread and by the caller's, so far. */
  readonly hashed = { thread: 0, here: 0 };

  /**
   * `batchTiles`: tiles sent to the thread at a time. A bulk fold sends 4 (1,024 leaves, about a
   * millisecond of hashing); a server 1, so that a commit or a read finds few tiles still queued.
   */
  constructor(private readonly batchTiles: number) {}

  /** Starts the thread now rather than at the first full batch (a server: not while appends wait). */
  started(): this {
    this.thread();
    return this;
  }

  private thread(): Worker {
    if (!this.worker) {
      this.worker = startThread(import.meta.url, 'tile-hasher-thread');
      this.worker.unref();
    }
    return this.worker;
  }

  /** Queues the full tile of 256 entries at `entries[at..]`. */
  submit(entries: Uint8Array, at: number): void {
    const batch = (this.filling ??= newBatch(this.batchTiles));
    addTile(batch, entries, at);
    if (batch.tiles < this.batchTiles) return;
    this.filling = undefined;
    this.posted.push(batch);
    this.thread().postMessage(batch);
  }

  /** Batches sent to the thread that it has not started. */
  get waiting(): number {
    return this.posted.filter(unclaimed).length;
  }

  /** Hands each queued tile, hashed with its interior, to `take`, in the order they were queued. */
  drain(take: (tile: Uint8Array) => void): void {
    const batches = this.filling ? [...this.posted, this.filling] : this.posted;
    this.posted = [];
    this.filling = undefined;
    let here = 0;
    for (let i = batches.length - 1; i >= 0; i--) {
      if (!claim(batches[i]!)) continue;
      hashBatch(batches[i]!);
      here++;
    }
    this.hashed.here += here;
    this.hashed.thread += batches.length - here;
    for (const batch of batches) {
      awaitBatch(batch);
      for (let i = 0; i < batch.tiles; i++) take(tileOf(batch, i));
    }
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
