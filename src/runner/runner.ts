import type { Logger } from 'pino';
import type { EventStore, ProjectedEvent, RecordedEvent, Subscription } from '../store/port.js';
import { FoldGuard } from './fold-guard.js';
import { LogHandover } from './log-handover.js';
import type { BulkLog } from './log-handover.js';
import type { PreparedBatch, Projector } from './projector.js';
import { commitPlan } from './commit.js';
import { ThreadedVerifier } from './threaded-verifier.js';
import { ThreadedWriter } from './threaded-writer.js';
import type { DeferredIndex } from './deferred-indexes.js';

const BATCH = 2_000;
/**
 * Pages of a long catch-up once the writer thread commits them: a person's pages are then written
 * once for several of the small batches' events (the writer's commits cost a quarter less CPU at
 * 8,000 than at 2,000, measured on 1M events).
 */
const LONG_BATCH = 8_000;

/**
 * Writes (documents and rows) past which a live batch is committed by a writer thread: a catalogue
 * change re-evaluates every person of a jurisdiction, and committing that here would hold up every
 * request meanwhile.
 */
const WIDE_BATCH = 20_000;

/** What the log takes of an event. */
export type LinkedEvent = Pick<RecordedEvent, 'position' | 'streamId' | 'revision' | 'hash'>;

/**
 * Batches folded ahead of the writer thread: enough that the fold does not wait out the writer's
 * slower commits (a WAL checkpoint), and memory bounded. At 2, the fold waited 5-15% of a rebuild.
 */
const AHEAD = 4;

/** Write failures that pass (the disk fills up, the file is busy): the runner retries them. */
const TRANSIENT = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|NOMEM)/;
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 2_000;

export type RunnerState = 'idle' | 'running' | 'retrying' | 'stopped';

export interface RunnerStatus {
  state: RunnerState;
  /** Position of the last event every read model answers for. */
  position: bigint;
  /** Why it is retrying or stopped. */
  error?: string;
}

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
  /** A log folded in bulk from the events checked, wherever they are checked. */
  log?: BulkLog;
  /** Events a batch of a long catch-up folds once it commits from the writer thread (tests use smaller ones). */
  longBatch?: number;
  /** Writes past which a live batch is committed by a writer thread (tests use fewer). */
  wideBatch?: number;
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
  /** Live batches fold one after another. */
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** A folded batch whose write failed, and the retry that will write it again. */
  private unwritten: PreparedBatch | undefined;
  private retry: { timer: NodeJS.Timeout | undefined; attempts: number; error: string } | undefined;
  private stopped = false;
  /** Batches of the catch-ups so far that the writer thread committed. */
  threadedBatches = 0;
  /** Live batches so wide that a writer thread committed them. */
  wideBatches = 0;
  /** Indexes the last long catch-up dropped while its tables filled, and built again at its end. */
  deferredIndexes = 0;
  /** Catch-ups so far whose events a verifier thread checked. */
  verifierThreads = 0;
  private guard: FoldGuard | undefined;
  /** Checks, in this thread, what the verifier thread of a catch-up did not reach. */
  private lateGuard: FoldGuard | undefined;

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
    let deferred: DeferredIndex[] = [];
    let verifier: ThreadedVerifier | undefined;
    /** Up to where the events were checked in this thread after the verifier thread stopped. */
    let checkedHere = -1n;
    const log = new LogHandover(this.options.log);
    /** Why the log could not be taken back at the end, reported once the threads are closed. */
    let logFailure: unknown;
    const inFlight: Promise<void>[] = [];
    this.projector.drain = async () => {
      await Promise.all(inFlight);
    };
    try {
      for (;;) {
        // With the verifier thread checking beside it, the fold reads its pages unchecked.
        const size = writer ? (this.options.longBatch ?? LONG_BATCH) : BATCH;
        const page = verifier ? await this.store.readPage(this.projector.folded + 1n, size) : await this.page(size);
        if (page.length === 0) break;
        folded += page.length;
        if (!writer) {
          // A full first page means a long catch-up: its threads start while this thread folds the page.
          if (page.length === BATCH && this.onDisk) {
            deferred = this.projector.deferIndexes();
            this.deferredIndexes = deferred.length;
            writer = new ThreadedWriter(this.options.file!, commitPlan(this.projector.projections), { unsynced: true, indexes: deferred });
            if (this.guard && this.store.file) {
              const logFile = log.give();
              verifier = new ThreadedVerifier(this.store.file, page[page.length - 1]!.position + 1n, this.options.longBatch ?? LONG_BATCH, {
                ...(this.options.onEvents ? { onEvents: this.options.onEvents } : {}),
                ...(logFile ? { logFile } : {}),
              });
              this.verifierThreads++;
            }
          }
          await this.projector.apply(page);
        } else {
          const batch = await this.projector.prepare(page);
          // No batch is committed past what has been checked: a broken link stops the read side before it.
          if (verifier) checkedHere = await this.checkedThrough(verifier, page[page.length - 1]!.position, checkedHere, log);
          if (batch) inFlight.push(this.commitThreaded(writer, batch));
          if (inFlight.length >= AHEAD) await inFlight.shift();
        }
        onProgress?.(folded, this.projector.checkpoint);
        this.release();
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.allSettled(inFlight);
      logFailure = await log.back(verifier).then(
        () => undefined,
        (err: unknown) => err ?? new Error('the log could not be taken back'),
      );
      await verifier?.close();
      await writer?.close();
      // Built by the writer thread unless it failed: the read side answers on from here either way.
      if (deferred.length > 0) this.projector.buildIndexes(deferred);
      this.projector.drain = async () => {};
      // The streams' last links were followed by the verifier thread: the next checks here read them from the store.
      if (verifier) this.guard = new FoldGuard(this.store);
      this.lateGuard = undefined;
    }
    if (logFailure) throw logFailure;
    this.projector.caughtUp();
    this.release();
    return folded;
  }

  /**
   * Waits until the verifier thread has checked every event up to `position`. Events it did not
   * reach (it found the end of `$all` before the fold did) are checked here, after where it stopped.
   */
  private async checkedThrough(verifier: ThreadedVerifier, position: bigint, checkedHere: bigint, log: LogHandover): Promise<bigint> {
    if (checkedHere >= position || (await verifier.reached(position))) return checkedHere;
    // The log's file comes back to this thread before the events past the verifier's are fed to it.
    await log.back(verifier);
    let from = checkedHere >= 0n ? checkedHere + 1n : verifier.checked + 1n;
    // A guard of its own: this thread's knows the streams' links only as far as the first page.
    const guard = (this.lateGuard ??= new FoldGuard(this.store));
    while (from <= position) {
      const page = await this.store.readCheckedPage(from, BATCH);
      if (page.length === 0) break;
      const within = page.filter((e) => e.position <= position);
      await guard.check(within);
      this.feed(within);
      from = within[within.length - 1]!.position + 1n;
      if (within.length < page.length) break;
    }
    return position;
  }

  private async page(size = BATCH): Promise<ProjectedEvent[]> {
    if (!this.guard && !this.options.onEvents && !this.options.log) return this.store.readPage(this.projector.folded + 1n, size);
    const page = await this.store.readCheckedPage(this.projector.folded + 1n, size);
    await this.guard?.check(page);
    this.feed(page);
    return page;
  }

  /** Hands checked events to whoever takes them: `onEvents` and the bulk log. */
  private feed(events: readonly LinkedEvent[]): void {
    this.options.onEvents?.(events);
    this.options.log?.feed(events);
  }

  /** Hands a batch's writes to the writer thread; only its receipt is kept until they are committed. */
  private commitThreaded(writer: ThreadedWriter, batch: PreparedBatch): Promise<void> {
    const receipt = batch.receipt;
    return writer.write(batch.writes).then(() => {
      this.threadedBatches++;
      this.projector.committed(receipt);
      this.release();
    });
  }

  start(): void {
    if (this.loop) return;
    this.subscription = this.store.subscribeAll(this.projector.folded >= 0n ? { fromPosition: this.projector.folded } : {});
    const sub = this.subscription;
    this.loop = (async () => {
      try {
        for await (const e of sub) {
          await this.guard?.check([e]);
          this.feed([e]);
          this.buffer.push(e);
          if (this.buffer.length >= BATCH) {
            this.scheduleFlush();
            // While the read models cannot be written, read no further: the buffer stays bounded.
            while (this.retry && !this.stopped) await new Promise((r) => setTimeout(r, RETRY_FIRST_MS));
          } else if (!this.flushScheduled) {
            this.flushScheduled = true;
            setImmediate(() => this.scheduleFlush());
          }
        }
      } catch (err) {
        this.failure = err;
        this.options.logger?.error({ err }, 'projection runner stopped');
      }
    })();
  }

  private scheduleFlush(): void {
    this.flushScheduled = false;
    this.flushing = this.flushing.then(() => this.flush());
  }

  private async flush(): Promise<void> {
    if (this.retry?.timer || this.failure) return;
    if (this.unwritten && !this.write(this.unwritten)) return;
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    let batch: PreparedBatch | undefined;
    try {
      batch = await this.projector.prepare(events);
    } catch (err) {
      this.halt(err, events[0]);
      return;
    }
    if (!batch) return;
    if (this.isWide(batch)) await this.writeAside(batch);
    else this.write(batch);
  }

  /** The read models are a file, which a writer thread can open beside this one. */
  private get onDisk(): boolean {
    return this.options.file !== undefined && this.options.file !== ':memory:';
  }

  private isWide(batch: PreparedBatch): boolean {
    if (!this.onDisk) return false;
    let writes = 0;
    for (const [, w] of batch.writes.projections) {
      writes += w.docs.length;
      for (const rows of Object.values(w.rows)) writes += rows.length;
    }
    return writes >= (this.options.wideBatch ?? WIDE_BATCH);
  }

  /**
   * Commits a wide batch from a writer thread, in one transaction as here, while this thread answers
   * requests; the read models show none of it until it is committed. If that fails, nothing of it
   * was written, and it is written here instead, with the retries of `write`.
   */
  private async writeAside(batch: PreparedBatch): Promise<void> {
    const writer = new ThreadedWriter(this.options.file!, commitPlan(this.projector.projections), { unsynced: false });
    const written = await writer.write(batch.writes).then(
      () => true,
      () => false,
    );
    await writer.close();
    if (!written) {
      this.write(batch);
      return;
    }
    this.wideBatches++;
    this.projector.committed(batch.receipt);
    this.release();
  }

  /**
   * Commits a folded batch; true once written. A transient failure (SQLITE_FULL: the disk is full)
   * keeps the batch and tries again with a growing pause, so the read side resumes by itself once
   * space returns; events arriving meanwhile wait in the buffer. Any other failure stops the runner.
   */
  private write(batch: PreparedBatch): boolean {
    try {
      this.projector.commit(batch);
    } catch (err) {
      const code = String((err as { code?: unknown }).code);
      if (!TRANSIENT.test(code) || this.stopped) {
        this.halt(err, undefined, batch);
        return false;
      }
      this.unwritten = batch;
      const attempts = (this.retry?.attempts ?? 0) + 1;
      if (attempts === 1) this.options.logger?.warn({ err, checkpoint: this.position.toString() }, 'read models cannot be written; retrying');
      const timer = setTimeout(() => {
        if (this.retry) this.retry.timer = undefined;
        this.scheduleFlush();
      }, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempts - 1)));
      this.retry = { timer, attempts, error: `${code}: ${(err as Error).message}` };
      return false;
    }
    if (this.retry) this.options.logger?.info({ attempts: this.retry.attempts, checkpoint: this.position.toString() }, 'read models written again');
    this.unwritten = undefined;
    this.retry = undefined;
    this.release();
    return true;
  }

  private halt(err: unknown, from?: ProjectedEvent, batch?: PreparedBatch): void {
    this.failure = err;
    const at = from ? { from: from.position.toString() } : { batch: batch?.seq };
    this.options.logger?.error({ err, ...at }, 'projection failed; the read side stops here');
    void this.subscription?.close();
  }

  /** What `/health` and `/ready` report. */
  status(): RunnerStatus {
    const position = this.position;
    if (this.failure) return { state: 'stopped', position, error: String((this.failure as Error).message ?? this.failure) };
    if (this.retry) return { state: 'retrying', position, error: this.retry.error };
    return { state: this.loop && !this.stopped ? 'running' : 'idle', position };
  }

  /** Each projection's committed position and how far it trails `head`. */
  projections(head: bigint): { name: string; version: number; position: bigint; lag: bigint }[] {
    return this.projector.status().map((p) => ({ ...p, lag: head > p.position ? head - p.position : 0n }));
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
    this.stopped = true;
    clearTimeout(this.retry?.timer);
    if (this.retry) this.retry.timer = undefined;
    await this.subscription?.close();
    await this.loop;
    await this.flushing;
    await this.flush();
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }
}
