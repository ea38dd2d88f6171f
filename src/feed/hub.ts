import type { Writable } from 'node:stream';
import type { EventStore, JsonObject, RecordedEvent } from '../store/port.js';
import { feedEntry, feedEntryFromText } from './entry.js';
import type { FeedEntry } from './entry.js';
import { frame, heartbeat, preamble } from './framing.js';
import type { FeedFormat } from './framing.js';
import { LiveTail } from './live-tail.js';
import type { LiveTailOptions } from './live-tail.js';
import { ScopeIndex } from './scope.js';
import type { JurisdictionMask } from './scope.js';

/** What a consumer receives: unset means everything. */
export interface FeedFilter {
  types?: ReadonlySet<string>;
  /** The consumer's jurisdictions; unset for an unscoped reader (an auditor who names none). */
  mask?: JurisdictionMask;
}

export interface FeedRequest {
  /** Exclusive: the consumer has every event up to this position (-1n: none yet). */
  after: bigint;
  filter: FeedFilter;
  format: FeedFormat;
}

export interface FeedOptions {
  /** Idle time after which a heartbeat is sent. */
  heartbeatMs: number;
  /** Events read from the store at a time while catching up; also the most sent in one write. */
  pageSize: number;
  /**
   * Bytes a session may leave in its response's buffer and still read on: the next page is read
   * while the socket takes the last. Past it the session waits until the socket has taken all.
   */
  maxBuffered: number;
  /** What SSE tells EventSource to wait before reconnecting. */
  retryMs: number;
  tail: LiveTailOptions;
  /** Streams whose jurisdiction timeline is kept. */
  scopeCapacity: number;
}

export const FEED_DEFAULTS: FeedOptions = {
  heartbeatMs: 15_000,
  pageSize: 500,
  maxBuffered: 1024 * 1024,
  retryMs: 2_000,
  tail: { maxEvents: 10_000, maxBytes: 8 * 1024 * 1024 },
  scopeCapacity: 100_000,
};

/** How a consumer's connection went, for its log line. */
export interface SessionSummary {
  after: string;
  scanned: string;
  delivered: number;
  /** Events it read from the store itself (catching up, or after falling out of the live window). */
  readFromStore: number;
  reason: 'client-closed' | 'server-closing' | 'live-tail-ended';
}

/** What a running session shows of itself (for tests and operators). */
export interface SessionState {
  scanned: bigint;
  delivered: number;
  readFromStore: number;
  /** Bytes written to the response that the socket has not taken yet. */
  buffered: number;
}

/**
 * The event feed of one server: every consumer's session, the shared scope index and the shared
 * live tail. A session catches up by reading the store itself, a page at a time, and moves onto
 * the live tail once its position is inside the tail's window; position is the only cursor, so the
 * move neither skips nor repeats. A session writes a page, and reads the next only after the
 * socket has taken it (`drain`): a consumer that stops reading holds at most one page.
 */
export class FeedHub {
  readonly scope: ScopeIndex;
  private tailNow: LiveTail;
  private readonly sessions = new Map<Session, Promise<unknown>>();
  private closing = false;

  constructor(
    private readonly store: EventStore,
    readonly options: FeedOptions = FEED_DEFAULTS,
  ) {
    this.scope = new ScopeIndex(async (streamId, fromRevision, maxCount) => store.readStream(streamId, { fromRevision, maxCount }), options.scopeCapacity);
    this.tailNow = this.newTail();
  }

  private newTail(): LiveTail {
    return new LiveTail(this.store, this.scope, this.options.tail);
  }

  /** The live tail; a new one when the last one's subscription ended (its sessions have ended too). */
  get tail(): LiveTail {
    if (this.tailNow.ended && !this.closing) this.tailNow = this.newTail();
    return this.tailNow;
  }

  get active(): SessionState[] {
    return [...this.sessions.keys()].map((s) => s.state());
  }

  /** Streams the request's events to `out` until the consumer goes away or the server closes. */
  async serve(request: FeedRequest, out: Writable): Promise<SessionSummary> {
    const session = new Session(this, request, out);
    const running = session.run();
    this.sessions.set(session, running.catch(() => undefined));
    try {
      return await running;
    } finally {
      this.sessions.delete(session);
    }
  }

  /** Reads one page of the store after `after`, as entries (serialised only if they match). */
  async readPage(after: bigint, filter: FeedFilter): Promise<{ entries: FeedEntry[]; scanned: bigint; read: number }> {
    if (this.store.readPageText) return this.readPageText(this.store.readPageText.bind(this.store), after, filter);
    const events: RecordedEvent[] = [];
    for await (const e of this.store.readAll({ fromPosition: after + 1n, maxCount: this.options.pageSize })) events.push(e);
    const entries: FeedEntry[] = [];
    for (const e of events) {
      let mask = 0;
      if (filter.mask !== undefined) {
        // Every event goes through the index, matching or not: it learns each stream's scope in order.
        const m = this.scope.maskOf(e);
        mask = typeof m === 'number' ? m : await m;
      }
      if (filter.types && !filter.types.has(e.type)) continue;
      if (filter.mask !== undefined && (mask & filter.mask) === 0) continue;
      entries.push(feedEntry(e, mask));
    }
    return { entries, scanned: events.length > 0 ? events[events.length - 1]!.position : after, read: events.length };
  }

  /** The same from a store that gives its events as text: only the data the scope looks at is parsed. */
  private async readPageText(read: NonNullable<EventStore['readPageText']>, after: bigint, filter: FeedFilter): Promise<{ entries: FeedEntry[]; scanned: bigint; read: number }> {
    const rows = await read(after + 1n, this.options.pageSize);
    const entries: FeedEntry[] = [];
    for (const r of rows) {
      let mask = 0;
      if (filter.mask !== undefined) {
        let data: JsonObject | undefined;
        const m = this.scope.maskOf({
          streamId: r.streamId,
          revision: r.revision,
          type: r.type,
          get data() {
            return (data ??= JSON.parse(r.dataJson) as JsonObject);
          },
        });
        mask = typeof m === 'number' ? m : await m;
      }
      if (filter.types && !filter.types.has(r.type)) continue;
      if (filter.mask !== undefined && (mask & filter.mask) === 0) continue;
      entries.push(feedEntryFromText(r, mask));
    }
    return { entries, scanned: rows.length > 0 ? rows[rows.length - 1]!.position : after, read: rows.length };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.sessions.keys()) s.stop('server-closing');
    await Promise.all(this.sessions.values());
    await this.tailNow.close();
  }
}

class Session {
  private scanned: bigint;
  private delivered = 0;
  private readFromStore = 0;
  private lastWrite = Date.now();
  private stopReason: SessionSummary['reason'] | undefined;
  private readonly stopped: Promise<void>;
  private markStopped!: () => void;

  constructor(
    private readonly hub: FeedHub,
    private readonly request: FeedRequest,
    private readonly out: Writable,
  ) {
    this.scanned = request.after;
    this.stopped = new Promise((resolve) => (this.markStopped = resolve));
    out.once('close', () => this.stop('client-closed'));
  }

  state(): SessionState {
    return { scanned: this.scanned, delivered: this.delivered, readFromStore: this.readFromStore, buffered: this.out.writableLength };
  }

  stop(reason: SessionSummary['reason']): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.markStopped();
  }

  async run(): Promise<SessionSummary> {
    const { format, filter } = this.request;
    const { heartbeatMs, pageSize, retryMs } = this.hub.options;
    const timer = setInterval(() => this.beat(format), Math.max(10, Math.floor(heartbeatMs / 2)));
    timer.unref();
    try {
      this.send(preamble(format, retryMs));
      const tail = this.hub.tail;
      await Promise.race([tail.ready(), this.stopped]);
      while (!this.stopReason) {
        let entries = tail.since(this.scanned, pageSize);
        if (entries === undefined) {
          const page = await this.hub.readPage(this.scanned, filter);
          this.readFromStore += page.read;
          this.scanned = page.scanned;
          if (page.read === 0) await this.wait(tail);
          else await this.deliver(page.entries, format);
          continue;
        }
        if (entries.length === 0) {
          if (tail.ended) {
            this.stop('live-tail-ended');
            break;
          }
          await this.wait(tail);
          continue;
        }
        this.scanned = entries[entries.length - 1]!.position;
        entries = entries.filter((e) => matches(e, filter));
        await this.deliver(entries, format);
      }
    } finally {
      clearInterval(timer);
      this.stop('client-closed');
      if (!this.out.destroyed && !this.out.writableEnded) this.out.end();
    }
    return {
      after: this.request.after.toString(),
      scanned: this.scanned.toString(),
      delivered: this.delivered,
      readFromStore: this.readFromStore,
      reason: this.stopReason!,
    };
  }

  private async wait(tail: LiveTail): Promise<void> {
    const next = tail.next();
    try {
      await Promise.race([next.promise, this.stopped]);
    } finally {
      next.cancel();
    }
  }

  private async deliver(entries: FeedEntry[], format: FeedFormat): Promise<void> {
    if (entries.length === 0) return;
    let chunk = '';
    for (const e of entries) chunk += frame(e, format);
    this.delivered += entries.length;
    this.send(chunk);
    if (this.out.writableLength > this.hub.options.maxBuffered) await this.drained();
  }

  private send(chunk: string): boolean {
    if (chunk.length === 0 || this.out.destroyed) return true;
    this.lastWrite = Date.now();
    return this.out.write(chunk);
  }

  /** The socket has taken what was written: read on. Until then nothing more is read for this consumer. */
  private async drained(): Promise<void> {
    let onDrain!: () => void;
    const drain = new Promise<void>((resolve) => (onDrain = resolve));
    this.out.once('drain', onDrain);
    try {
      await Promise.race([drain, this.stopped]);
    } finally {
      this.out.off('drain', onDrain);
    }
  }

  private beat(format: FeedFormat): void {
    if (this.stopReason || this.out.writableNeedDrain || Date.now() - this.lastWrite < this.hub.options.heartbeatMs) return;
    this.send(heartbeat(format, this.scanned, new Date()));
  }
}

function matches(e: FeedEntry, filter: FeedFilter): boolean {
  if (filter.types && !filter.types.has(e.type)) return false;
  return filter.mask === undefined || (e.mask & filter.mask) !== 0;
}
