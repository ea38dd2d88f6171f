/**
 * The event store port. Semantics follow EventStoreDB so that the embedded SQLite adapter and the
 * EventStoreDB adapter pass one conformance suite (test/store/conformance.ts).
 */

/** JSON values as stored in event data and metadata. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/**
 * `any`: no check; `no_stream`: the stream must not exist; `stream_exists`: it must exist;
 * a bigint: the revision of the stream's last event must be exactly this.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | bigint;

export interface NewEvent {
  /** UUID; the idempotency key of the event. */
  eventId: string;
  /** Past tense, e.g. `CompletionRecorded`. */
  type: string;
  data: JsonObject;
  metadata?: JsonObject;
}

export interface RecordedEvent {
  eventId: string;
  type: string;
  streamId: string;
  /** 0-based position of the event inside its stream. */
  revision: bigint;
  /** Global position in `$all`; strictly increasing in commit order. */
  position: bigint;
  /** Instant the store accepted the event (ISO 8601, UTC). Part of the hashed metadata. */
  recordedAt: string;
  data: JsonObject;
  /** Caller metadata as appended (without the integrity fields and recordedAt). */
  metadata: JsonObject;
  /** Hash of the previous event of the same stream; GENESIS_HASH for revision 0. */
  prevHash: string;
  hash: string;
}

/** What a projection folds of an event; a store may read just this, more cheaply than a RecordedEvent. */
export type ProjectedEvent = Pick<RecordedEvent, 'streamId' | 'position' | 'type' | 'data' | 'metadata'>;

/** An event's place in its chain, and whether its content still gives its hash. */
export interface CheckedLink {
  position: bigint;
  streamId: string;
  revision: bigint;
  prevHash: string;
  hash: string;
  contentMatches: boolean;
}

/** A projected event with its chain link, and whether its hash matched the content it was read with. */
export interface CheckedEvent extends ProjectedEvent {
  revision: bigint;
  prevHash: string;
  hash: string;
  contentMatches: boolean;
}

export interface AppendOptions {
  expected?: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  nextRevision: bigint;
  /** Global position of the last event written (or found, for an idempotent retry). */
  position: bigint;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  direction?: Direction;
  /** Inclusive. Defaults to the start (forwards) or the end (backwards). */
  fromRevision?: bigint | 'start' | 'end';
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Inclusive. Defaults to the start of `$all`. */
  fromPosition?: bigint;
  maxCount?: number;
}

export interface SubscribeAllOptions {
  /** Exclusive: events strictly after this position are delivered. Omitted = from the start. */
  fromPosition?: bigint;
}

/** A catch-up subscription: history first, then live events, with no gap and no repeat. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Resolves once every event that existed when the subscription started has been delivered. */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

export type ChainVerdict =
  | { ok: true; streams: number; events: number }
  | {
      ok: false;
      streams: number;
      events: number;
      /** The first broken link found. */
      broken: { streamId: string; revision: bigint; position: bigint; reason: string };
    };

/** An event as stored, with its data and metadata as the canonical JSON text they are kept in. */
export interface StoredEventText extends Omit<RecordedEvent, 'data' | 'metadata'> {
  dataJson: string;
  metadataJson: string;
}

export interface EventStore {
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFound when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Reads `$all` forwards, in pages, without holding the whole log in memory. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** One page of `$all` as projections need it, from `fromPosition` (inclusive); empty past the end. */
  readPage(fromPosition: bigint, maxCount: number): Promise<ProjectedEvent[]>;
  /** A stream's events up to `throughPosition`, in order, as projections need them (empty when it has none), for a store that reads them cheaper than `readStream`. */
  readStreamProjected?(streamId: string, throughPosition: bigint): Promise<ProjectedEvent[]>;
  /** One page of `$all` without parsing data and metadata, for a store that keeps them as text (the event feed sends them on as they are). */
  readPageText?(fromPosition: bigint, maxCount: number): Promise<StoredEventText[]>;
  /** `readPage` with what a fold needs to check each event's hash and chain link as it folds. */
  readCheckedPage(fromPosition: bigint, maxCount: number): Promise<CheckedEvent[]>;
  /** How many events `$all` holds up to `throughPosition` (inclusive), where the store can count cheaply. */
  countEvents?(throughPosition: bigint): Promise<number>;
  /** The embedded store's database file, for a thread that reads `$all` on a connection of its own. */
  readonly file?: string;
  subscribeAll(options?: SubscribeAllOptions): Subscription;
  /** Position of the newest event in `$all`, or -1n when empty. */
  headPosition(): Promise<bigint>;
  verifyStream(streamId: string): Promise<ChainVerdict>;
  verifyAll(): Promise<ChainVerdict>;
  close(): Promise<void>;
}
