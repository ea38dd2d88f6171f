import type { EventStore, Subscription } from '../store/port.js';
import { feedEntry } from './entry.js';
import type { FeedEntry } from './entry.js';
import type { ScopeIndex } from './scope.js';

export interface LiveTailOptions {
  /** Most events kept. */
  maxEvents: number;
  /** Most bytes of serialised items kept (UTF-16 code units, close enough for a bound). */
  maxBytes: number;
}

/**
 * The newest events of the store, read once by one subscription and kept, serialised, in a bounded
 * window that every live consumer reads from: many consumers cost one store subscription and one
 * serialisation per event. `base` is the position after which the window holds every event; a
 * consumer whose position is below it (it fell behind by more than the window) reads the store
 * itself until it is back inside.
 */
export class LiveTail {
  private entries: FeedEntry[] = [];
  /** Index of the oldest kept entry in `entries` (dropped ones are cut off in bulk). */
  private start = 0;
  private bytes = 0;
  private baseAt = -1n;
  private subscription: Subscription | undefined;
  private started: Promise<void> | undefined;
  private live = false;
  private waiters = new Set<() => void>();
  private stopped = false;
  private failure: unknown;

  constructor(
    private readonly store: EventStore,
    private readonly scope: ScopeIndex,
    private readonly options: LiveTailOptions,
  ) {}

  /** Starts the subscription at the store's head (once); resolves when the window is usable. */
  ready(): Promise<void> {
    this.started ??= (async () => {
      const head = await this.store.headPosition();
      this.baseAt = head;
      this.subscription = this.store.subscribeAll(head >= 0n ? { fromPosition: head } : {});
      this.live = true;
      void this.follow(this.subscription);
    })();
    return this.started;
  }

  private async follow(sub: Subscription): Promise<void> {
    try {
      for await (const e of sub) {
        // In order, one at a time: a stream's scope is learnt from its events in order.
        const mask = this.scope.maskOf(e);
        this.push(feedEntry(e, typeof mask === 'number' ? mask : await mask));
      }
    } catch (err) {
      this.failure = err;
    } finally {
      this.stopped = true;
      this.wakeAll();
    }
  }

  private push(entry: FeedEntry): void {
    this.entries.push(entry);
    this.bytes += entry.json.length;
    while (this.entries.length - this.start > this.options.maxEvents || (this.bytes > this.options.maxBytes && this.entries.length - this.start > 1)) {
      const dropped = this.entries[this.start++]!;
      this.bytes -= dropped.json.length;
      this.baseAt = dropped.position;
    }
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  /** Every event after `base` is in the window (or yet to come to it). */
  get base(): bigint {
    return this.baseAt;
  }

  /** Why the tail ended, when its subscription failed. */
  get error(): unknown {
    return this.failure;
  }

  get ended(): boolean {
    return this.stopped;
  }

  /** The window's entries after `after` (at most `max`); undefined when `after` is below the window. */
  since(after: bigint, max: number): FeedEntry[] | undefined {
    if (!this.live || after < this.baseAt) return undefined;
    let lo = this.start;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo, Math.min(lo + max, this.entries.length));
  }

  /** Resolves at the next event (or when the tail ends); `cancel` removes the waiter. */
  next(): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    if (this.stopped) wake();
    else this.waiters.add(wake);
    return { promise, cancel: () => this.waiters.delete(wake) };
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.wakeAll();
    await this.started?.catch(() => undefined);
    await this.subscription?.close();
  }
}
