import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@eventstore/db-client';
import type { JSONEventType } from '@eventstore/db-client';
import { checkedPageOf, pageOf } from '../catch-up.js';
import { StoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
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
import { expectationHolds, prepareAppend, resolveRetry } from '../validate.js';
import type { PreparedEvent } from '../validate.js';
import { INTEGRITY_KEY, isSystem, toRecorded } from './convert.js';

export interface EsdbStoreOptions {
  connectionString: string;
  clock?: () => Date;
}

const PAGE = 1_000;
const MAX_TRIES = 20;

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

  private async appendNow(streamId: string, prepared: PreparedEvent[], expected: NonNullable<AppendOptions['expected']>): Promise<AppendResult> {
    let actual: bigint | 'no_stream' = 'no_stream';
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      // Another process won the last round: back off a random while so the two do not meet again.
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 4 * attempt));
      const [head] = await this.readOrEmpty(streamId, { direction: 'backwards', maxCount: 1 });
      actual = head ? head.revision : 'no_stream';
      const retried = await this.findRetry(streamId, prepared, expected, head);
      if (retried) return resolveRetry(streamId, prepared, retried, expected, actual);
      if (!expectationHolds(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
      const recordedAt = this.clock().toISOString();
      let prevHash = head?.hash ?? GENESIS_HASH;
      let revision = head ? head.revision : -1n;
      const toSend = prepared.map((p) => {
        revision++;
        const hash = hashEvent({ streamId, revision, eventId: p.eventId, type: p.type, dataJson: p.dataJson, metadataJson: p.metadataJson, recordedAt, prevHash });
        const metadata = { ...(JSON.parse(p.metadataJson) as JsonObject), [INTEGRITY_KEY]: { prevHash, hash, recordedAt } };
        prevHash = hash;
        return jsonEvent({ id: p.eventId, type: p.type, data: JSON.parse(p.dataJson) as JsonObject, metadata });
      });
      try {
        const r = await this.client.appendToStream(streamId, toSend, { expectedRevision: head ? head.revision : NO_STREAM });
        return { nextRevision: r.nextExpectedRevision, position: r.position?.commit ?? 0n };
      } catch (err) {
        if (err instanceof WrongExpectedVersionError) continue;
        throw this.mapError(err, streamId);
      }
    }
    throw new WrongExpectedVersion(streamId, expected, actual);
  }

  /** Stored events carrying this append's ids where a retry would find them: at the expected place or at the tail. */
  private async findRetry(streamId: string, prepared: PreparedEvent[], expected: NonNullable<AppendOptions['expected']>, head: RecordedEvent | undefined): Promise<RecordedEvent[] | undefined> {
    if (!head) return undefined;
    const ids = new Set(prepared.map((p) => p.eventId));
    const from = typeof expected === 'bigint' ? expected + 1n : expected === 'no_stream' ? 0n : undefined;
    const window =
      from !== undefined
        ? await this.readOrEmpty(streamId, { fromRevision: from, maxCount: prepared.length })
        : await this.readOrEmpty(streamId, { direction: 'backwards', maxCount: prepared.length + 1 });
    const found = window.filter((e) => ids.has(e.eventId));
    return found.length > 0 ? found : undefined;
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
