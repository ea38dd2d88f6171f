import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../store/port.js';
import type { TransparencyLog } from './log.js';

export interface FollowerOptions {
  /** How often a new checkpoint is signed while events arrive. */
  checkpointMs: number;
  /** How often appended leaves are committed (unsynced) between checkpoints. */
  commitMs?: number;
  logger?: Logger;
}

/**
 * Keeps the log following `$all` in the server process: its own catch-up subscription from the
 * log's last position, leaves appended in memory, committed in batches and signed at intervals.
 * Nothing of this runs inside an append's transaction, so appends pay only for the reading.
 */
export class LogFollower {
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private commitTimer: NodeJS.Timeout | undefined;
  private signTimer: NodeJS.Timeout | undefined;
  private committedSize: number;
  private failure: unknown;

  constructor(
    private readonly store: EventStore,
    private readonly log: TransparencyLog,
    private readonly options: FollowerOptions,
  ) {
    this.committedSize = log.size;
  }

  get failed(): unknown {
    return this.failure;
  }

  start(): void {
    if (this.loop) return;
    const from = this.log.lastPosition;
    const sub = (this.subscription = this.store.subscribeAll(from >= 0n ? { fromPosition: from } : {}));
    this.loop = (async () => {
      try {
        for await (const e of sub) this.log.append(e);
      } catch (err) {
        this.failure = err;
        this.options.logger?.error({ err }, 'the log stopped following the store');
      }
    })();
    this.commitTimer = setInterval(() => this.commit(), this.options.commitMs ?? 200).unref();
    this.signTimer = setInterval(() => this.sign(), this.options.checkpointMs).unref();
  }

  /** Waits until every event the store holds is a leaf (tests and shutdown). */
  async settle(): Promise<void> {
    await this.subscription?.caughtUp;
    const head = await this.store.headPosition();
    while (this.log.lastPosition < head && !this.failure) await new Promise((r) => setTimeout(r, 5));
  }

  private commit(): void {
    if (this.log.size === this.committedSize) return;
    this.log.commit();
    this.committedSize = this.log.size;
  }

  /** Signs a checkpoint now if the tree grew since the last one. */
  sign(): void {
    try {
      this.log.sign();
      this.committedSize = this.log.size;
    } catch (err) {
      this.options.logger?.error({ err }, 'signing a checkpoint failed');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.commitTimer);
    clearInterval(this.signTimer);
    await this.subscription?.close();
    if (!this.loop) return;
    await this.loop;
    this.sign();
  }
}
