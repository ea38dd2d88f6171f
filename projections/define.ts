import type { Database as Db } from 'better-sqlite3';
import type { DomainEvent, EventType } from '../schemas/events.js';

/** An event as a projection receives it: decoded (upcast) once by the runner, with where it stands. */
export type ProjectionEvent = DomainEvent & { streamId: string; position: bigint };

/**
 * A write statement of a projection. A plain string runs once per row. An insert given as its head
 * (`INSERT OR IGNORE INTO t (a, b)`) with its column count is sent many rows to a statement, which
 * for small rows costs a fraction of one call per row.
 */
export type StatementDef = string | { insert: string; columns: number; rowsPerCall: number };

/**
 * What one batch changes in a projection: keyed JSON documents to put, and rows for its statements.
 * Plain data, so the runner can commit it in this thread or hand it to its writer thread.
 */
export interface ProjectionWrites {
  docs: [collection: string, key: string, value: unknown][];
  rows: Record<string, unknown[][]>;
}

export function emptyProjectionWrites(): ProjectionWrites {
  return { docs: [], rows: {} };
}

/** Adds a row for a statement. */
export function addRow(w: ProjectionWrites, statement: string, row: unknown[]): void {
  (w.rows[statement] ??= []).push(row);
}

/**
 * What a projection may read of its own state while loading a batch. Documents include what
 * earlier batches wrote even when those are not committed yet; `rows` waits until they are, so a
 * projection never sees the read models half-way through a pipeline it does not know about.
 */
export interface StateReader {
  doc<T>(collection: string, key: string): T | undefined;
  /**
   * Many documents, by key: a batch that re-folds a great many (a catalogue change touches every
   * person of a jurisdiction) reads them a share at a time, letting the thread answer requests between.
   */
  docs<T>(collection: string, keys: Iterable<string>): Promise<Map<string, T | undefined>>;
  rows<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

/**
 * A document folded from one stream's events whenever it is not in memory, and never written: the
 * events are its storage, and a rebuild spends nothing on encoding and writing a second copy of
 * them. `apply` hands it back among its documents like any other, so later batches fold on it.
 */
export interface StreamDocument {
  /** The stream a key's document is folded from. */
  stream(key: string): string;
  /** The document from the stream's events (those the projection handles, in order); undefined when there is none. */
  fold(events: readonly ProjectionEvent[]): unknown;
}

/** What a projection's queries may read besides its tables. */
export interface QueryContext {
  /** A stream's events the projection handles, decoded, up to `through` (a position its tables were committed at). */
  stream(streamId: string, through: bigint): Promise<ProjectionEvent[]>;
}

/**
 * One read model, declared in one place: its name and version (a new version rebuilds it alone),
 * its tables, the event types it folds, how it loads what it needs of its own state, a pure `apply`
 * from the batch and that state to writes, and its queries.
 *
 * Documents (`documents`: collection -> table with columns `id TEXT PRIMARY KEY, doc TEXT`) are the
 * state a projection folds on: `apply` may take the loaded objects and return them changed as the
 * new documents; it must not keep them.
 */
export interface ProjectionDefinition<State = unknown, Queries = unknown> {
  readonly name: string;
  readonly version: number;
  /** DDL of its tables (CREATE TABLE / INDEX ... IF NOT EXISTS). */
  readonly schema: string;
  /** Its tables, dropped when its version changes. */
  readonly tables: readonly string[];
  /** Tables only earlier versions had, dropped with its tables. */
  readonly retiredTables?: readonly string[];
  readonly documents?: Readonly<Record<string, string>>;
  /** Documents read with `docs` like the others, folded from their streams instead of stored. */
  readonly streamDocuments?: Readonly<Record<string, StreamDocument>>;
  readonly statements?: Readonly<Record<string, StatementDef>>;
  /** Indexes its `load` reads through (`rows`): kept while a bulk catch-up defers the others. */
  readonly foldIndexes?: readonly string[];
  readonly handles: ReadonlySet<EventType>;
  load(events: readonly ProjectionEvent[], state: StateReader): State | Promise<State>;
  /** May give the thread back between shares of a long batch; it stays a function of its inputs. */
  apply(events: readonly ProjectionEvent[], state: State): ProjectionWrites | Promise<ProjectionWrites>;
  /** `context` is absent where no event store is at hand (a reader thread's lists). */
  queries(db: Db, context?: QueryContext): Queries;
  /**
   * Read from a batch's writes as they are folded: what to do once they are committed (drop what
   * the queries cached of what changed). It keeps only what it needs of them: the writes are let go
   * once they have been handed over to be written.
   */
  onCommit?(writes: ProjectionWrites): ((queries: Queries) => void) | undefined;
}

export function defineProjection<State, Queries>(d: ProjectionDefinition<State, Queries>): ProjectionDefinition<State, Queries> {
  return d;
}

// The runner holds definitions of many state and query types side by side.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = ProjectionDefinition<any, any>;
