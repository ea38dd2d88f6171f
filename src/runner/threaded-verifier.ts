import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../threads/start-thread.js';
import { BrokenLinkError } from './fold-guard.js';
import type { LinkedEvent } from './runner.js';

/** Pages the verifier may check ahead of the fold. */
const AHEAD = 8;

type Message =
  | { to: string; events: [position: string, streamId: string, revision: string, hash: string][] }
  | { done: string }
  | { closed: string }
  | { broken: { streamId: string; revision: string; position: string; reason: string } }
  | { failed: string };

export interface VerifierOutputs {
  /** Sees each checked page's links, in order, in this thread. */
  onEvents?: (events: readonly LinkedEvent[]) => void;
  /** A log file folded in bulk, which the thread appends the checked links to itself and closes when it is closed. */
  logFile?: string;
}

/**
 * Checks `$all` from `from` on a thread of its own while the fold reads the same events unchecked:
 * on two cores the SHA-256 of every event and the reading of what it covers then run beside the
 * fold. `reached(p)` resolves once every event up to `p` is checked (and handed to `onEvents` and
 * the log, in order), and rejects with the first broken link.
 */
export class ThreadedVerifier {
  private readonly worker: Worker;
  private checkedTo: bigint;
  private finishedAt: bigint | undefined;
  private failure: Error | undefined;
  private waiters: { position: bigint; resolve: () => void; reject: (err: Error) => void }[] = [];
  private closing: Promise<void> | undefined;
  private exited = false;
  private logClosedAt: bigint | undefined;

  constructor(file: string, from: bigint, pageSize: number, outputs: VerifierOutputs = {}) {
    const { onEvents, logFile } = outputs;
    this.checkedTo = from - 1n;
    this.worker = startThread(import.meta.url, 'verifier-thread', { file, from: from.toString(), pageSize, ahead: AHEAD, withEvents: onEvents !== undefined, logFile });
    this.worker.on('message', (msg: Message) => {
      if ('to' in msg) {
        if (onEvents) onEvents(msg.events.map(([position, streamId, revision, hash]) => ({ position: BigInt(position), streamId, revision: BigInt(revision), hash })));
        this.checkedTo = BigInt(msg.to);
        this.worker.postMessage('more');
      } else if ('done' in msg) {
        this.finishedAt = BigInt(msg.done);
      } else if ('closed' in msg) {
        this.logClosedAt = BigInt(msg.closed);
      } else if ('broken' in msg) {
        const b = msg.broken;
        this.failure = new BrokenLinkError({ streamId: b.streamId, revision: BigInt(b.revision), position: BigInt(b.position), reason: b.reason });
      } else {
        this.failure = new Error(`verifier thread failed: ${msg.failed}`);
      }
      this.settle();
    });
    this.worker.once('exit', () => (this.exited = true));
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

  /** Where the thread left the log when it closed it (undefined: it did not close it). */
  get logClosedAtPosition(): bigint | undefined {
    return this.logClosedAt;
  }

  /** Stops the thread once it has closed its files (the log's, committed and synced). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.exited) return;
      const exited = once(this.worker, 'exit');
      this.worker.postMessage('close');
      await exited;
    })();
    return this.closing;
  }
}
