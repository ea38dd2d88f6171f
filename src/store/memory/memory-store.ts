import { EventEmitter } from 'node:events';
import { GENESIS_HASH, hashEvent, verifyEvents } from '../integrity.js';
import { StoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { checkedPageOf, pageOf, subscribeWithCommits } from '../catch-up.js';
import { expectationHolds, prepareAppend, resolveRetry } from '../validate.js';
import type {
  AppendOptions,
  AppendResult,
  ChainVerdict,
  CheckedEvent,
  EventStore,
  NewEvent,
  ProjectedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';

/**
 * An in-process store with the port's full semantics, for fast unit tests of handlers and
 * projections. Not durable: the service itself runs on the SQLite adapter.
 */
export class MemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byId = new Map<string, RecordedEvent>();
  private readonly committed = new EventEmitter().setMaxListeners(0);
  private closed = false;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const expected = options.expected ?? 'any';
    const prepared = prepareAppend(streamId, events, expected);
    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length === 0 ? 'no_stream' : BigInt(stream.length - 1);
    const existing = prepared.flatMap((p) => this.byId.get(p.eventId) ?? []);
    if (existing.length > 0) return resolveRetry(streamId, prepared, existing, expected, actual);
    if (!expectationHolds(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
    const recordedAt = this.clock().toISOString();
    let prevHash = stream.at(-1)?.hash ?? GENESIS_HASH;
    let last!: RecordedEvent;
    for (const p of prepared) {
      const revision = BigInt(stream.length);
      const hash = hashEvent({ ...p, streamId, revision, recordedAt, prevHash });
      last = {
        eventId: p.eventId,
        type: p.type,
        streamId,
        revision,
        position: BigInt(this.all.length),
        recordedAt,
        data: JSON.parse(p.dataJson),
        metadata: JSON.parse(p.metadataJson),
        prevHash,
        hash,
      };
      prevHash = hash;
      stream.push(last);
      this.all.push(last);
      this.byId.set(last.eventId, last);
    }
    this.streams.set(streamId, stream);
    this.committed.emit('commit');
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const stream = this.streams.get(streamId);
    if (!stream || stream.length === 0) throw new StreamNotFound(streamId);
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const from = options.fromRevision;
    if ((options.direction ?? 'forwards') === 'forwards') {
      const start = from === undefined || from === 'start' ? 0 : from === 'end' ? stream.length - 1 : Number(from);
      return stream.slice(start, start + max);
    }
    const start = from === undefined || from === 'end' ? stream.length - 1 : from === 'start' ? 0 : Math.min(Number(from), stream.length - 1);
    return stream.slice(Math.max(0, start - max + 1), start + 1).reverse();
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const start = Number(options.fromPosition ?? 0n);
    const end = Math.min(this.all.length, start + (options.maxCount ?? Number.MAX_SAFE_INTEGER));
    for (let i = start; i < end; i++) yield this.all[i]!;
  }

  async readPage(fromPosition: bigint, maxCount: number): Promise<ProjectedEvent[]> {
    return pageOf((o) => this.readAll(o), fromPosition, maxCount);
  }

  async readCheckedPage(fromPosition: bigint, maxCount: number): Promise<CheckedEvent[]> {
    return checkedPageOf((o) => this.readAll(o), fromPosition, maxCount);
  }

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    this.assertOpen();
    return subscribeWithCommits((o) => this.readAll(o), this.committed, options.fromPosition);
  }

  async countEvents(throughPosition: bigint): Promise<number> {
    return Math.max(0, Math.min(this.all.length, Number(throughPosition) + 1));
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.all.length - 1);
  }

  async verifyStream(streamId: string): Promise<ChainVerdict> {
    return verifyEvents(await this.readStream(streamId));
  }

  async verifyAll(): Promise<ChainVerdict> {
    return verifyEvents(this.readAll());
  }

  async close(): Promise<void> {
    this.closed = true;
    this.committed.emit('commit');
    this.committed.removeAllListeners();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosed();
  }
}
