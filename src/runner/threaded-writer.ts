import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/start-thread.js';
import type { BatchWrites, CommitPlan } from './commit.js';
import type { DeferredIndex } from './deferred-indexes.js';

/**
 * Hands folded batches to a writer thread over its own connection to the read-model file: on two
 * cores, SQLite's inserts and commits then run beside the fold instead of after it. Batches are
 * committed in the order they were handed over; each promise settles when its batch is committed
 * (durable only once the writer closes: see beginUnsynced).
 */
export class ThreadedWriter {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private failure: Error | undefined;
  private readonly exited: Promise<unknown>;

  /**
   * `unsynced`: a bulk catch-up's writes, made durable only when it closes (see beginUnsynced).
   * `indexes`: those the catch-up deferred, built by the thread once every batch is committed.
   */
  constructor(file: string, plan: CommitPlan, options: { unsynced: boolean; indexes?: DeferredIndex[] } = { unsynced: true }) {
    this.worker = startThread(import.meta.url, 'writer-thread', { file, plan, unsynced: options.unsynced, indexes: options.indexes ?? [] });
    this.exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.on('message', (msg: { seq: number; error?: string }) => {
      const w = this.waiting.get(msg.seq);
      this.waiting.delete(msg.seq);
      if (msg.error === undefined) w?.resolve();
      else w?.reject((this.failure ??= new Error(`read-model write failed: ${msg.error}`)));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`read-model writer thread exited (${code})`)));
  }

  /** Resolves once the batch is committed. */
  write(writes: BatchWrites): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.worker.postMessage({ seq, writes });
    });
  }

  /** Resolves once the thread has ended (at once if it had already: it failed). */
  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.exited;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }
}
