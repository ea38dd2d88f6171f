import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/start-thread.js';
import { BrokenLinkError } from './fold-guard.js';
import type { LinkedEvent } from './runner.js';

/** Pages the verifier may check ahead of the fold. */
const AHEAD = 8;

type Message =
  | { to: string; events: [position: string, streamId: string, revision: string, hash: string][] }
  | { done: string }
  | { broken: { streamId: string; revision: string; position: string; reason: string } }
  | { failed: string };

/**
 * Checks `$all` from `from` on a thread of its own while the fold reads the same events unchecked:
 * on two cores the SHA-256 of every event and the reading of what it covers then run beside the
 * fold. `reached(p)` resolves once every event up to `p` is checked (and handed to `onEvents`, in
 * order), and rejects with the first broken link.
 */
export class ThreadedVerifier {
  private readonly worker: Worker;
  private checkedTo: bigint;
  private finishedAt: bigint | undefined;
  private failure: Error | undefined;
  private waiters: { position: bigint; resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(file: string, from: bigint, pageSize: number, onEvents?: (events: readonly LinkedEvent[]) => void) {
    this.checkedTo = from - 1n;
    this.worker = startThread(import.meta.url, 'verifier-thread', { file, from: from.toString(), pageSize, ahead: AHEAD, withEvents: onEvents !== undefined });
    this.worker.on('message', (msg: Message) => {
      if ('to' in msg) {
        if (onEvents) onEvents(msg.events.map(([position, streamId, revision, hash]) => ({ position: BigInt(position), streamId, revision: BigInt(revision), hash })));
        this.checkedTo = BigInt(msg.to);
        this.worker.postMessage('more');
      } else if ('done' in msg) {
        this.finishedAt = BigInt(msg.done);
      } else if ('broken' in msg) {
        const b = msg.broken;
        this.failure = new BrokenLinkError({ streamId: b.streamId, revision: BigInt(b.revision), position: BigInt(b.position), reason: b.reason });
      } else {
        this.failure = new Error(`verifier thread failed: ${msg.failed}`);
      }
      this.settle();
    });
    this.worker.on('error', (err) => {
      this.failure ??= err;
      this.settle();
    });
  }

  /** Where the verifier stopped for lack of events (undefined while it reads on). */
  get finished(): bigint | undefined {
    return this.finishedAt;
  }

  get checked(): bigint {
    return this.checkedTo;
  }

  /** Resolves once every event up to `position` is checked; false when the verifier ended before it. */
  reached(position: bigint): Promise<boolean> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.checkedTo >= position) return Promise.resolve(true);
    if (this.finishedAt !== undefined) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => this.waiters.push({ position, resolve: () => resolve(this.checkedTo >= position), reject }));
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.failure) w.reject(this.failure);
      else if (this.checkedTo >= w.position || this.finishedAt !== undefined) w.resolve();
      else return true;
      return false;
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage('close');
    await this.worker.terminate();
  }
}
