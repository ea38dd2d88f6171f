import type { Logger } from 'pino';
import type { EventStore, ProjectedEvent, RecordedEvent, Subscription } from '../store/port.js';
import { FoldGuard } from './fold-guard.js';
import type { PreparedBatch, Projector } from './projector.js';
import { ThreadedWriter } from './threaded-writer.js';

const BATCH = 2_000;

/** What the log takes of an event. */
export type LinkedEvent = Pick<RecordedEvent, 'position' | 'streamId' | 'revision' | 'hash'>;
/**
 * Batches folded ahead of the writer thread: enough that the fold does not wait out the writer's
 * slower commits (a WAL checkpoint), and memory bounded. At 2, the fold waited 5-15% of a rebuild.
 */
const AHEAD = 4;

export interface RunnerOptions {
  logger?: Logger;
  /** The read-model file, when it is one: a long catch-up then commits from a writer thread. */
  file?: string;
  /** Check each event's hash and chain link before folding it (default true); a broken one stops the fold. */
  verify?: boolean;
  /**
   * Sees every event read, in `$all` order, once it has been checked and before it is folded: the
   * verifiable log is fed from here, so keeping it costs no read of its own.
   */
  onEvents?: (events: readonly LinkedEvent[]) => void;
}

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
  /** Batches of the catch-ups so far that the writer thread committed. */
  threadedBatches = 0;
  private readonly guard: FoldGuard | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly options: RunnerOptions = {},
  ) {
    this.guard = options.verify === false ? undefined : new FoldGuard(store);
  }

  get position(): bigint {
    return this.projector.checkpoint;
  }

  /**
   * Folds everything already in the store, page by page; returns how many events were read. When
   * the first page is full (a rebuild, or a restart far behind) and the read models are a file, the
   * rest is committed by a writer thread while the next pages are folded.
   */
  async catchUp(onProgress?: (folded: number, position: bigint) => void): Promise<number> {
    let folded = 0;
    let writer: ThreadedWriter | undefined;
    const inFlight: Promise<void>[] = [];
    try {
      for (;;) {
        const page = await this.page();
        if (page.length === 0) break;
        folded += page.length;
        if (!writer) {
          this.projector.apply(page);
          if (page.length === BATCH && this.options.file && this.options.file !== ':memory:') writer = new ThreadedWriter(this.options.file);
        } else {
          const batch = this.projector.prepare(page);
          if (batch) inFlight.push(this.commitThreaded(writer, batch));
          if (inFlight.length >= AHEAD) await inFlight.shift();
        }
        onProgress?.(folded, this.projector.checkpoint);
        this.release();
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      await writer?.close();
    }
    this.projector.caughtUp();
    this.release();
    return folded;
  }

  private async page(): Promise<ProjectedEvent[]> {
    if (!this.guard && !this.options.onEvents) return this.store.readPage(this.projector.folded + 1n, BATCH);
    const page = await this.store.readCheckedPage(this.projector.folded + 1n, BATCH);
    await this.guard?.check(page);
    this.options.onEvents?.(page);
    return page;
  }

  private async commitThreaded(writer: ThreadedWriter, batch: PreparedBatch): Promise<void> {
    await writer.write(batch.writes);
    this.threadedBatches++;
    this.projector.committed(batch);
    this.release();
  }

  start(): void {
    if (this.loop) return;
    this.subscription = this.store.subscribeAll(this.projector.folded >= 0n ? { fromPosition: this.projector.folded } : {});
    const sub = this.subscription;
    this.loop = (async () => {
      try {
        for await (const e of sub) {
          await this.guard?.check([e]);
          this.options.onEvents?.([e]);
          this.buffer.push(e);
          if (this.buffer.length >= BATCH) this.flush();
          else if (!this.flushScheduled) {
            this.flushScheduled = true;
            setImmediate(() => this.flush());
          }
        }
      } catch (err) {
        this.failure = err;
        this.options.logger?.error({ err }, 'projection runner stopped');
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
      this.options.logger?.error({ err, from: batch[0]?.position.toString() }, 'projection failed; the read side stops here');
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
