import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type { JSONEventData, JSONEventType } from '@eventstore/db-client';
import { checkedPageOf, pageOf } from '../catch-up.js';
import { AppendTooLarge, StoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { GENESIS_HASH, hashEvent, verifyEvents } from '../integrity.js';
import type {
  AppendOptions,
  AppendResult,
  ChainVerdict,
  CheckedEvent,
  EventStore,
  JsonObject,
  NewEvent,
  ProjectedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';
import { MAX_APPEND_BYTES, eventBytes, expectationHolds, prepareAppend, resolveRetry } from '../validate.js';
import type { PreparedEvent } from '../validate.js';
import { INTEGRITY_KEY, isSystem, toRecorded } from './convert.js';

export interface EsdbStoreOptions {
  connectionString: string;
  clock?: () => Date;
}

const PAGE = 1_000;
const MAX_TRIES = 20;
/** Appends whose answer never came (deadline, lost connection) are tried this many times in all. */
const MAX_UNANSWERED = 3;

/** One try of an append: the events, hashed for the head they follow, and that head's revision (-1n: none). */
interface Attempt {
  after: bigint;
  events: JSONEventData[];
}

/** Errors after which the server may or may not have committed the append. */
function unanswered(err: unknown): boolean {
  return err instanceof DeadlineExceededError || err instanceof UnavailableError || err instanceof NotLeaderError;
}

/**
 * The EventStore port on EventStoreDB / KurrentDB through `@eventstore/db-client`. Every client call
 * of the project is in this folder, so a move to `@kurrent/kurrentdb-client` touches nothing else.
 * The hash chain needs the stream's last hash, so an append reads the stream's head and appends at
 * exactly that revision: a concurrent writer makes it fail and retry rather than fork the chain.
 */
export class EsdbEventStore implements EventStore {
  private closed = false;
  private readonly client: EventStoreDBClient;
  private readonly clock: () => Date;
  /** Appends to one stream from this process run one after another (no self-inflicted conflicts). */
  private readonly tails = new Map<string, Promise<unknown>>();

  private constructor(options: EsdbStoreOptions) {
    this.client = EventStoreDBClient.connectionString`${options.connectionString}`;
    this.clock = options.clock ?? (() => new Date());
  }

  static connect(options: EsdbStoreOptions): EsdbEventStore {
    return new EsdbEventStore(options);
  }

  /** Async so that invalid input (thrown by prepareAppend) arrives as a rejection like every other failure. */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new StoreClosed();
    const expected = options.expected ?? 'any';
    const prepared = prepareAppend(streamId, events, expected);
    const previous = this.tails.get(streamId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.appendNow(streamId, prepared, expected));
    this.tails.set(streamId, run);
    void run.finally(() => {
      if (this.tails.get(streamId) === run) this.tails.delete(streamId);
    }).catch(() => undefined);
    return run;
  }

  /**
   * EventStoreDB checks event ids only where the expected revision says the write would go: an
   * append at the current head revision is never recognised as a retry. So a try whose answer was
   * lost is settled by position: its events already stand right after the head it was sent for
   * (done), nothing stands there yet (send the very same events for the same head again: whichever
   * copy lands first, the server recognises the other), or another writer's events do (the lost try
   * can no longer land; start over from the new head).
   */
  private async appendNow(streamId: string, prepared: PreparedEvent[], expected: NonNullable<AppendOptions['expected']>): Promise<AppendResult> {
    let actual: bigint | 'no_stream' = 'no_stream';
    let pending: Attempt | undefined;
    let unansweredTries = 0;
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      // Another process won the last round: back off a random while so the two do not meet again.
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 4 * attempt));
      let send = pending;
      if (pending) {
        const landed = await this.readOrEmpty(streamId, { fromRevision: pending.after + 1n, maxCount: prepared.length });
        if (landed[0]?.eventId === prepared[0]!.eventId) return resolveRetry(streamId, prepared, landed, expected, landed.at(-1)!.revision);
        if (landed.length > 0) send = pending = undefined;
      }
      if (!send) {
        // One read gives the head and the tail a retry of this append would have left.
        const tail = await this.readOrEmpty(streamId, { direction: 'backwards', maxCount: prepared.length + 1 });
        const head = tail[0];
        actual = head ? head.revision : 'no_stream';
        const retried = await this.findRetry(streamId, prepared, expected, tail);
        if (retried) return resolveRetry(streamId, prepared, retried, expected, actual);
        if (!expectationHolds(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
        send = this.attemptAfter(streamId, prepared, head);
      }
      try {
        const r = await this.client.appendToStream(streamId, send.events, { expectedRevision: send.after < 0n ? NO_STREAM : send.after });
        return { nextRevision: r.nextExpectedRevision, position: r.position?.commit ?? 0n };
      } catch (err) {
        // After a lost answer the next round looks at the position again, also when this one was refused.
        if (err instanceof WrongExpectedVersionError) continue;
        if (unanswered(err) && ++unansweredTries < MAX_UNANSWERED) {
          pending = send;
          continue;
        }
        if (err instanceof MaxAppendSizeExceededError) throw new AppendTooLarge(this.bytesOf(send.events), err.maxAppendSize);
        throw this.mapError(err, streamId);
      }
    }
    throw new WrongExpectedVersion(streamId, expected, actual);
  }

  /** The events hashed onto `head`, refused before sending if the server would count them over its limit. */
  private attemptAfter(streamId: string, prepared: PreparedEvent[], head: RecordedEvent | undefined): Attempt {
    const recordedAt = this.clock().toISOString();
    let prevHash = head?.hash ?? GENESIS_HASH;
    let revision = head ? head.revision : -1n;
    const after = revision;
    const events = prepared.map((p) => {
      revision++;
      const hash = hashEvent({ streamId, revision, eventId: p.eventId, type: p.type, dataJson: p.dataJson, metadataJson: p.metadataJson, recordedAt, prevHash });
      const metadata = { ...(JSON.parse(p.metadataJson) as JsonObject), [INTEGRITY_KEY]: { prevHash, hash, recordedAt } };
      prevHash = hash;
      return jsonEvent({ id: p.eventId, type: p.type, data: JSON.parse(p.dataJson) as JsonObject, metadata });
    });
    // The integrity fields travel in the metadata, which current servers count.
    const bytes = this.bytesOf(events);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLarge(bytes, MAX_APPEND_BYTES);
    return { after, events };
  }

  /** The bytes of the events as the client serialises them (JSON.stringify, UTF-8). */
  private bytesOf(events: JSONEventData[]): number {
    return events.reduce((n, e) => n + eventBytes(e.type, JSON.stringify(e.data), JSON.stringify(e.metadata ?? {})), 0);
  }

  /**
   * Stored events carrying this append's ids, where a caller's retry would have left them: at the
   * tail (newest first in `tail`) or at the place the expected revision names. Ids further back are
   * not looked for: EventStoreDB has no lookup by id the adapter could use at an exact revision.
   */
  private async findRetry(streamId: string, prepared: PreparedEvent[], expected: NonNullable<AppendOptions['expected']>, tail: RecordedEvent[]): Promise<RecordedEvent[] | undefined> {
    const ids = new Set(prepared.map((p) => p.eventId));
    const inTail = tail.filter((e) => ids.has(e.eventId)).reverse();
    if (inTail.length > 0) return inTail;
    const from = typeof expected === 'bigint' ? expected + 1n : expected === 'no_stream' ? 0n : undefined;
    const oldest = tail.at(-1);
    // Nothing to read when the place is past the head or inside the tail already searched.
    if (from === undefined || !oldest || from >= oldest.revision) return undefined;
    const atPlace = (await this.readOrEmpty(streamId, { fromRevision: from, maxCount: prepared.length })).filter((e) => ids.has(e.eventId));
    return atPlace.length > 0 ? atPlace : undefined;
  }

  private async readOrEmpty(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    try {
      return await this.readStream(streamId, options);
    } catch (err) {
      if (err instanceof StreamNotFound) return [];
      throw err;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    const from = options.fromRevision;
    const out: RecordedEvent[] = [];
    try {
      const reads = this.client.readStream<JSONEventType>(streamId, {
        direction: forwards ? FORWARDS : BACKWARDS,
        fromRevision: from === undefined ? (forwards ? START : END) : from === 'start' ? START : from === 'end' ? END : from,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of reads) {
        const e = toRecorded(resolved);
        if (e) out.push(e);
      }
    } catch (err) {
      throw this.mapError(err, streamId);
    }
    if (out.length === 0 && !(await this.exists(streamId))) throw new StreamNotFound(streamId);
    return out;
  }

  private async exists(streamId: string): Promise<boolean> {
    try {
      // Read to the end rather than break out: a read abandoned midway keeps the client from disposing.
      let found = false;
      for await (const _ of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) found = true;
      return found;
    } catch (err) {
      if (err instanceof StreamNotFoundError) return false;
      throw this.mapError(err, streamId);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let from: bigint | undefined = options.fromPosition;
    let left = options.maxCount ?? Number.POSITIVE_INFINITY;
    let skipAt: bigint | undefined;
    while (left > 0) {
      // Each page is read to its end before anything is yielded: a client read abandoned midway
      // (a consumer that stops early) would keep the client from disposing.
      const page: RecordedEvent[] = [];
      let read = 0;
      let last: bigint | undefined;
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: from === undefined ? START : { commit: from, prepare: from }, maxCount: PAGE })) {
        read++;
        const position = resolved.event?.position?.commit ?? resolved.commitPosition;
        if (position !== undefined) last = position;
        // readAll is inclusive: a page starts with the last event of the one before.
        if (position !== undefined && position === skipAt) continue;
        const e = toRecorded(resolved);
        if (e) page.push(e);
      }
      for (const e of page) {
        yield e;
        if (--left <= 0) return;
      }
      if (read < PAGE || last === undefined) return;
      from = last;
      skipAt = last;
    }
  }

  async readPage(fromPosition: bigint, maxCount: number): Promise<ProjectedEvent[]> {
    return pageOf((o) => this.readAll(o), fromPosition, maxCount);
  }

  async readCheckedPage(fromPosition: bigint, maxCount: number): Promise<CheckedEvent[]> {
    return checkedPageOf((o) => this.readAll(o), fromPosition, maxCount);
  }

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    this.assertOpen();
    const sub = this.client.subscribeToAll({
      fromPosition: options.fromPosition === undefined ? START : { commit: options.fromPosition, prepare: options.fromPosition },
      filter: excludeSystemEvents(),
    });
    let caughtUpResolve!: () => void;
    const caughtUp = new Promise<void>((resolve) => (caughtUpResolve = resolve));
    sub.once('caughtUp', () => caughtUpResolve());
    let closed = false;
    async function* events(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const resolved of sub) {
          if (closed) return;
          const e = toRecorded(resolved);
          if (e) yield e;
        }
      } catch (err) {
        if (!closed) throw err;
      } finally {
        caughtUpResolve();
      }
    }
    const iterator = events();
    return {
      caughtUp,
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        if (closed) return;
        closed = true;
        caughtUpResolve();
        await sub.unsubscribe();
        await iterator.return(undefined);
      },
    };
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    let head: bigint | undefined;
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 100 })) {
      const e = resolved.event;
      if (head === undefined && e && !isSystem(e.streamId, e.type)) head = e.position?.commit ?? resolved.commitPosition;
    }
    return head ?? -1n;
  }

  async verifyStream(streamId: string): Promise<ChainVerdict> {
    return verifyEvents(await this.readStream(streamId));
  }

  async verifyAll(): Promise<ChainVerdict> {
    return verifyEvents(this.readAll());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.tails.values());
    await this.client.dispose();
  }

  private mapError(err: unknown, streamId: string): unknown {
    if (err instanceof StreamNotFoundError) return new StreamNotFound(streamId);
    if (err instanceof StreamDeletedError) return new StreamNotFound(streamId);
    return err;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosed();
  }
}
