import type { Logger } from 'pino';
import type { EventStore, RecordedEvent, Subscription } from '../store/port.js';
import type { Projector } from './projector.js';

const BATCH = 5_000;

/**
 * Keeps the read models following the store: a catch-up subscription from the checkpoint, events
 * buffered and folded in batches (one transaction each), and waiters released once the read side
 * has reached the position they wrote at (read-your-writes).
 */
export class ProjectionRunner {
  private subscription: Subscription | undefined;
  private buffer: RecordedEvent[] = [];
  private flushScheduled = false;
  private waiters: { position: bigint; resolve: (reached: boolean) => void }[] = [];
  private loop: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly logger?: Logger,
  ) {}

  get position(): bigint {
    return this.projector.checkpoint;
  }

  /** Folds everything already in the store, page by page; returns how many events were read. */
  async catchUp(onProgress?: (folded: number, position: bigint) => void): Promise<number> {
    let folded = 0;
    for (;;) {
      const page: RecordedEvent[] = [];
      for await (const e of this.store.readAll({ fromPosition: this.projector.checkpoint + 1n, maxCount: BATCH })) page.push(e);
      if (page.length === 0) return folded;
      this.projector.apply(page);
      folded += page.length;
      onProgress?.(folded, this.projector.checkpoint);
      this.release();
    }
  }

  start(): void {
    if (this.loop) return;
    this.subscription = this.store.subscribeAll(this.projector.checkpoint >= 0n ? { fromPosition: this.projector.checkpoint } : {});
    const sub = this.subscription;
    this.loop = (async () => {
      try {
        for await (const e of sub) {
          this.buffer.push(e);
          if (this.buffer.length >= BATCH) this.flush();
          else if (!this.flushScheduled) {
            this.flushScheduled = true;
            setImmediate(() => this.flush());
          }
        }
      } catch (err) {
        this.failure = err;
        this.logger?.error({ err }, 'projection runner stopped');
      }
    })();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.projector.apply(batch);
    } catch (err) {
      this.failure = err;
      this.logger?.error({ err, from: batch[0]?.position.toString() }, 'projection failed; the read side stops here');
      void this.subscription?.close();
      return;
    }
    this.release();
  }

  private release(): void {
    const reached = this.projector.checkpoint;
    this.waiters = this.waiters.filter((w) => {
      if (w.position > reached) return true;
      w.resolve(true);
      return false;
    });
  }

  /** Resolves true once the read side has folded `position`, false after `timeoutMs`. */
  waitForPosition(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.projector.checkpoint >= position) return Promise.resolve(true);
    if (this.failure) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.projector.checkpoint >= position);
      }, timeoutMs);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.loop;
    this.flush();
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }
}
