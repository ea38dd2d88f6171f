import type { Logger } from 'pino';
import type { EventStore } from '../store/port.js';
import type { LogEntry, TransparencyLog } from './log.js';

export interface FollowerOptions {
  /** How often a new checkpoint is signed while events arrive. */
  checkpointMs: number;
  /** How often appended leaves are committed (unsynced) between checkpoints. */
  commitMs?: number;
  logger?: Logger;
}

const PAGE = 2_000;

/**
 * Keeps the log following `$all` in the server process, outside every append's transaction. It
 * reads nothing once started: the projection runner hands it each event it has read and checked
 * (`accept`), so the log costs appends only its hashing and its batched commits. `catchUp` first
 * folds what the store holds past the log's last leaf (a log behind the read models, or new).
 * Leaves are committed every `commitMs` and a checkpoint is signed every `checkpointMs`.
 */
export class LogFollower {
  private commitTimer: NodeJS.Timeout | undefined;
  private signTimer: NodeJS.Timeout | undefined;
  private committedSize: number;
  private failure: unknown;
  private started = false;

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

  /** Appends every event the store holds after the log's last leaf. */
  async catchUp(): Promise<number> {
    let appended = 0;
    for (;;) {
      const page = await this.store.readCheckedPage(this.log.lastPosition + 1n, PAGE);
      if (page.length === 0) break;
      this.accept(page);
      appended += page.length;
    }
    this.log.commit();
    this.committedSize = this.log.size;
    return appended;
  }

  /** Events in `$all` order; those the log already holds are skipped. */
  accept(events: readonly LogEntry[]): void {
    if (this.failure) return;
    try {
      for (const e of events) if (e.position > this.log.lastPosition) this.log.append(e);
    } catch (err) {
      this.failure = err;
      this.options.logger?.error({ err }, 'the log stopped following the store');
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.commitTimer = setInterval(() => this.commit(), this.options.commitMs ?? 200).unref();
    this.signTimer = setInterval(() => this.sign(), this.options.checkpointMs).unref();
  }

  /** Waits until every event the store holds is a leaf (tests and benchmarks). */
  async settle(timeoutMs = 10_000): Promise<void> {
    const head = await this.store.headPosition();
    const until = Date.now() + timeoutMs;
    while (this.log.lastPosition < head && !this.failure && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
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
    if (this.started && !this.failure) this.sign();
    this.started = false;
  }
}
