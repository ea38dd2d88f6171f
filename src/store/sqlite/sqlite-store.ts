import { hash as oneShotHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';
import { subscribeWithCommits } from '../catch-up.js';
import { StoreClosed, StreamNotFound, WrongExpectedVersion } from '../errors.js';
import { ChainChecker, GENESIS_HASH, hashEvent } from '../integrity.js';
import type {
  AppendOptions,
  AppendResult,
  ChainVerdict,
  CheckedEvent,
  CheckedLink,
  EventStore,
  ExpectedRevision,
  JsonObject,
  NewEvent,
  ProjectedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEventText,
  SubscribeAllOptions,
  Subscription,
} from '../port.js';
import { expectationHolds, prepareAppend, resolveRetry } from '../validate.js';
import type { PreparedEvent } from '../validate.js';
import { BROKEN_LINK_SQL, CANONICAL_TEXT_SQL, EVENT_COLUMNS, PAGE_TEXTS_SQL, recomputeRowHash, toRecorded, toStoredText } from './rows.js';
import type { EventRow, LinkRow } from './rows.js';
import { migrate } from './schema.js';

export interface SqliteStoreOptions {
  file: string;
  clock?: () => Date;
  /** Rows per page when reading `$all`. */
  pageSize?: number;
}

interface PendingAppend {
  streamId: string;
  prepared: PreparedEvent[];
  expected: ExpectedRevision;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/**
 * The embedded event store: SQLite in WAL mode with synchronous=FULL, so an acknowledged append has
 * been fsynced. Appends waiting at the same moment are group-committed: one transaction and one
 * fsync for all of them, each inside its own savepoint so that one failing append rolls back alone.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Db;
  private readonly clock: () => Date;
  private readonly pageSize: number;
  private readonly committed = new EventEmitter().setMaxListeners(0);
  private readonly stmt: {
    head: Statement;
    insert: Statement;
    byEventId: Statement;
    forwards: Statement;
    streamProjected: Statement;
    backwards: Statement;
    all: Statement;
    page: Statement;
    checkedPage: Statement;
    linkPage: Statement;
    pageTexts: Statement;
    linksBetween: Statement;
    brokenLink: Statement;
    atPosition: Statement;
    count: Statement;
    countAll: Statement;
    metadataAt: Statement;
    maxPosition: Statement;
  };
  private readonly applyOne: (a: PendingAppend) => AppendResult;
  private readonly applyGroup: (group: PendingAppend[]) => Outcome[];
  private readonly applyAlone: (a: PendingAppend) => AppendResult;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;
  /** Group commits so far; lets tests observe that concurrent appends share transactions. */
  commits = 0;
  /** The database file. */
  readonly file: string;
  /** Told the number of appends of each group commit (for metrics). */
  onGroupCommit?: (appends: number) => void;

  static open(options: SqliteStoreOptions): SqliteEventStore {
    return new SqliteEventStore(options);
  }

  private constructor(options: SqliteStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.file = options.file;
    this.pageSize = options.pageSize ?? 2_000;
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    const prep = (sql: string, raw = true) => {
      const s = this.db.prepare(sql).safeIntegers(true);
      return raw && s.reader ? s.raw(true) : s;
    };
    this.stmt = {
      head: prep('SELECT revision, hash FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1'),
      insert: prep(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        false,
      ),
      byEventId: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ?`),
      forwards: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`),
      // The stream's index holds the position (the rowid): rows past `through` are never read.
      streamProjected: prep('SELECT position, stream_id, type, data FROM events WHERE stream_id = ? AND position <= ? ORDER BY revision ASC'),
      backwards: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
      all: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`),
      page: prep('SELECT position, stream_id, type, data FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?'),
      checkedPage: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`),
      linkPage: prep(`SELECT position, stream_id, revision, prev_hash, hash, ${CANONICAL_TEXT_SQL} FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`),
      pageTexts: prep(PAGE_TEXTS_SQL),
      linksBetween: prep('SELECT position, stream_id, revision, hash FROM events WHERE position BETWEEN ? AND ? ORDER BY position ASC'),
      brokenLink: prep(BROKEN_LINK_SQL).pluck(),
      atPosition: prep(`SELECT ${EVENT_COLUMNS} FROM events WHERE position = ?`),
      count: prep('SELECT count(*) FROM events WHERE position <= ?').pluck(),
      countAll: prep('SELECT count(*) FROM events').pluck(),
      metadataAt: prep('SELECT metadata FROM events WHERE position = ?', false).pluck(),
      maxPosition: prep('SELECT max(position) FROM events'),
    };
    // A transaction function called inside another one runs as a SAVEPOINT in better-sqlite3.
    this.applyOne = this.db.transaction((a: PendingAppend) => this.write(a));
    this.applyGroup = this.db.transaction((group: PendingAppend[]) =>
      group.map((a): Outcome => {
        try {
          return { ok: true, result: this.applyOne(a) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    // A group of one needs no savepoint: its failure rolls back the whole transaction, which is it.
    this.applyAlone = this.db.transaction((a: PendingAppend) => this.write(a));
  }

  /** Async so that invalid input (thrown by prepareAppend) arrives as a rejection like every other failure. */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new StoreClosed();
    const expected = options.expected ?? 'any';
    const prepared = prepareAppend(streamId, events, expected);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, prepared, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let outcomes: Outcome[];
    try {
      if (group.length === 1) {
        try {
          outcomes = [{ ok: true, result: this.applyAlone(group[0]!) }];
        } catch (error) {
          outcomes = [{ ok: false, error }];
        }
      } else {
        outcomes = this.applyGroup(group);
      }
      this.commits++;
      this.onGroupCommit?.(group.length);
    } catch (error) {
      for (const a of group) a.reject(error);
      return;
    }
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) group[i]!.resolve(o.result);
      else group[i]!.reject(o.error);
    }
    this.committed.emit('commit');
  }

  /** One append inside the group's transaction; throws to roll back its savepoint. */
  private write(a: PendingAppend): AppendResult {
    const { streamId, prepared, expected } = a;
    const head = this.stmt.head.get(streamId) as [bigint, string] | undefined;
    const actual = head ? head[0] : 'no_stream';
    if (this.stmt.byEventId.get(prepared[0]!.eventId)) {
      return resolveRetry(streamId, prepared, this.existing(prepared), expected, actual);
    }
    if (!expectationHolds(expected, actual)) throw new WrongExpectedVersion(streamId, expected, actual);
    const recordedAt = this.clock().toISOString();
    // Revisions stay plain numbers inside the loop (a stream never nears 2^53 events): binding
    // BigInts costs more than the rest of the row.
    const base = head ? Number(head[0]) + 1 : 0;
    let prevHash = head ? head[1] : GENESIS_HASH;
    let info: { lastInsertRowid: number | bigint } = { lastInsertRowid: 0n };
    try {
      for (let i = 0; i < prepared.length; i++) {
        const p = prepared[i]!;
        const hash = hashEvent({
          streamId,
          revision: base + i,
          eventId: p.eventId,
          type: p.type,
          dataJson: p.dataJson,
          metadataJson: p.metadataJson,
          recordedAt,
          prevHash,
        });
        info = this.stmt.insert.run(streamId, base + i, p.eventId, p.type, p.dataJson, p.metadataJson, recordedAt, prevHash, hash);
        prevHash = hash;
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String((err as Error).message).includes('event_id')) {
        // Some later event of this append was stored before: decide as a retry (this throws a conflict).
        return resolveRetry(streamId, prepared, this.existing(prepared), expected, actual);
      }
      throw err;
    }
    const revision = BigInt(base + prepared.length - 1);
    const position = BigInt(info.lastInsertRowid);
    return { nextRevision: revision, position };
  }

  private existing(prepared: readonly PreparedEvent[]): RecordedEvent[] {
    return prepared.flatMap((p) => {
      const row = this.stmt.byEventId.get(p.eventId) as EventRow | undefined;
      return row ? [toRecorded(row)] : [];
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const max = BigInt(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision;
    const forwards = (options.direction ?? 'forwards') === 'forwards';
    let rows: EventRow[];
    if (forwards) {
      let start = from === undefined || from === 'start' ? 0n : from === 'end' ? -1n : from;
      if (start === -1n) {
        const head = this.stmt.head.get(streamId) as [bigint, string] | undefined;
        start = head ? head[0] : 0n;
      }
      rows = this.stmt.forwards.all(streamId, start, max) as EventRow[];
    } else {
      const start = from === undefined || from === 'end' ? BigInt(Number.MAX_SAFE_INTEGER) : from === 'start' ? 0n : from;
      rows = this.stmt.backwards.all(streamId, start, max) as EventRow[];
    }
    if (rows.length === 0 && !this.stmt.head.get(streamId)) throw new StreamNotFound(streamId);
    return rows.map(toRecorded);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let from = options.fromPosition ?? 0n;
    let left = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (left > 0) {
      if (this.closed) throw new StoreClosed();
      // A page is fetched whole with all(): an open iterate() would hold the connection across yields.
      const rows = this.stmt.all.all(from, BigInt(Math.min(this.pageSize, left))) as EventRow[];
      for (const r of rows) yield toRecorded(r);
      if (rows.length === 0) return;
      left -= rows.length;
      from = rows[rows.length - 1]![0] + 1n;
    }
  }

  /**
   * Only the columns a projection folds: metadata is read when a reader asks for it, which decoding
   * does only for a type whose schema has moved past version 1 (none yet). Reading it with every
   * row took a fifth of the SQLite time of a rebuild.
   */
  async readPage(fromPosition: bigint, maxCount: number): Promise<ProjectedEvent[]> {
    this.assertOpen();
    return this.projected(this.stmt.page.all(fromPosition, BigInt(maxCount)) as ProjectedRow[]);
  }

  /** Only the columns a fold reads, as readPage: a read model folds a person's stream on every read of them. */
  async readStreamProjected(streamId: string, throughPosition: bigint): Promise<ProjectedEvent[]> {
    this.assertOpen();
    return this.projected(this.stmt.streamProjected.all(streamId, throughPosition) as ProjectedRow[]);
  }

  private projected(rows: readonly ProjectedRow[]): ProjectedEvent[] {
    return rows.map((r) => new PageEvent(r[0], r[1], r[2], JSON.parse(r[3]), this.metadataAt));
  }

  async readPageText(fromPosition: bigint, maxCount: number): Promise<StoredEventText[]> {
    this.assertOpen();
    return (this.stmt.all.all(fromPosition, BigInt(maxCount)) as EventRow[]).map(toStoredText);
  }

  /** Each hash is recomputed from the stored canonical text, as verifyAll does: no re-serialising. */
  async readCheckedPage(fromPosition: bigint, maxCount: number): Promise<CheckedEvent[]> {
    this.assertOpen();
    const rows = this.stmt.checkedPage.all(fromPosition, BigInt(maxCount)) as EventRow[];
    return rows.map((r) => new CheckedPageEvent(r, recomputeRowHash(r) === r[9]));
  }

  /**
   * The chain links of a page, each with whether its content still gives its hash, checked on the
   * canonical text SQLite assembles (see CANONICAL_TEXT_SQL): a verifier's read, with no event decoded.
   */
  async readLinkPage(fromPosition: bigint, maxCount: number): Promise<CheckedLink[]> {
    this.assertOpen();
    const rows = this.stmt.linkPage.all(fromPosition, BigInt(maxCount)) as LinkRow[];
    return rows.map((r) => ({
      position: r[0],
      streamId: r[1],
      revision: r[2],
      prevHash: r[3],
      hash: r[4],
      contentMatches: oneShotHash('sha256', r[5], 'hex') === r[4] || this.rehashMatches(r[0], r[4]),
    }));
  }

  /**
   * A page of `$all` checked inside SQLite as far as that goes, for a verifier that needs nothing of
   * the events but the verdict: every chain link by one join (see BROKEN_LINK_SQL), every hash from
   * the page's canonical texts, which come over as one buffer. `holds` true means every event of the
   * page holds; false means only that not all of them could be shown to hold here (a broken link,
   * or a text SQLite writes differently from JSON.stringify): readLinkPage, checked event by event,
   * then names the first broken one, or finds none.
   */
  async checkPageInPlace(fromPosition: bigint, maxCount: number): Promise<{ count: number; last: bigint; holds: boolean }> {
    this.assertOpen();
    const [count, last, hashes, texts, shortest, longest] = this.stmt.pageTexts.get(fromPosition, BigInt(maxCount)) as [bigint, bigint | null, string, Buffer, bigint, bigint];
    if (count === 0n || last === null) return { count: 0, last: fromPosition - 1n, holds: true };
    const page = { count: Number(count), last };
    if (shortest !== 64n || longest !== 64n) return { ...page, holds: false };
    if (this.stmt.brokenLink.get(fromPosition, last, GENESIS_HASH) !== undefined) return { ...page, holds: false };
    let start = 0;
    for (let i = 0; i < page.count; i++) {
      const end = texts.indexOf(10, start);
      if (end < 0 || oneShotHash('sha256', texts.subarray(start, end), 'hex') !== hashes.slice(64 * i, 64 * i + 64)) return { ...page, holds: false };
      start = end + 1;
    }
    // A text left over is a newline inside one of them, or a row that was not in the page's bounds.
    return { ...page, holds: start === texts.length };
  }

  /** What the log takes of the events from `first` to `last`, in position order, read and checked by checkPageInPlace. */
  async linksBetween(first: bigint, last: bigint): Promise<[position: bigint, streamId: string, revision: bigint, hash: string][]> {
    this.assertOpen();
    return this.stmt.linksBetween.all(first, last) as [bigint, string, bigint, string][];
  }

  /** The slow path of readLinkPage: the row's hash recomputed from its columns, as verifyAll does. */
  private rehashMatches(position: bigint, hash: string): boolean {
    const row = this.stmt.atPosition.get(position) as EventRow | undefined;
    return row !== undefined && recomputeRowHash(row) === hash;
  }

  /**
   * Through the head, every event is counted: SQLite then counts the entries of its narrowest
   * index instead of walking the table's rows by position (a third of the time at 6M events).
   */
  async countEvents(throughPosition: bigint): Promise<number> {
    this.assertOpen();
    const [head] = this.stmt.maxPosition.get() as [bigint | null];
    const all = head !== null && throughPosition >= head;
    return Number((all ? this.stmt.countAll.get() : this.stmt.count.get(throughPosition)) as bigint);
  }

  private readonly metadataAt = (position: bigint): string => {
    this.assertOpen();
    return this.stmt.metadataAt.get(position) as string;
  };

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    this.assertOpen();
    return subscribeWithCommits((o) => this.readAll(o), this.committed, options.fromPosition);
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    const [max] = this.stmt.maxPosition.get() as [bigint | null];
    return max ?? -1n;
  }

  async verifyStream(streamId: string): Promise<ChainVerdict> {
    return this.verifyRows(this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision`).safeIntegers(true).raw(true), [streamId], true);
  }

  async verifyAll(): Promise<ChainVerdict> {
    return this.verifyRows(this.db.prepare(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY position`).safeIntegers(true).raw(true), [], false);
  }

  /**
   * Re-hashes from the stored canonical text (no JSON.parse): an edit to the file that changes even
   * the formatting of an event's data is a broken link.
   */
  private async verifyRows(stmt: Statement, params: unknown[], mustExist: boolean): Promise<ChainVerdict> {
    this.assertOpen();
    const checker = new ChainChecker();
    let seen = 0;
    for (const r of stmt.iterate(...params) as IterableIterator<EventRow>) {
      seen++;
      const link = { streamId: r[1], revision: r[2], position: r[0], prevHash: r[8], hash: r[9] };
      if (!checker.feed(link, recomputeRowHash(r))) break;
    }
    if (mustExist && seen === 0) throw new StreamNotFound(String(params[0]));
    return checker.verdict();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.queue.length > 0) this.flush();
    this.committed.emit('commit');
    this.committed.removeAllListeners();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosed();
  }
}

/** Column order of the statements a fold reads from: position, stream_id, type, data. */
type ProjectedRow = [position: bigint, streamId: string, type: string, data: string];

/** A projected event whose metadata is read and parsed only if a reader asks for it (upcasting seldom does). */
class PageEvent implements ProjectedEvent {
  private parsed: JsonObject | undefined;

  constructor(
    readonly position: bigint,
    readonly streamId: string,
    readonly type: string,
    readonly data: JsonObject,
    private readonly metadataAt: (position: bigint) => string,
  ) {}

  get metadata(): JsonObject {
    return (this.parsed ??= JSON.parse(this.metadataAt(this.position)) as JsonObject);
  }
}

/** A checked event whose metadata is parsed from the row only if a reader asks for it. */
class CheckedPageEvent implements CheckedEvent {
  readonly position: bigint;
  readonly streamId: string;
  readonly type: string;
  readonly revision: bigint;
  readonly prevHash: string;
  readonly hash: string;
  private readonly dataJson: string;
  private readonly metadataJson: string;
  private parsedData: JsonObject | undefined;
  private parsed: JsonObject | undefined;

  /** Data is parsed when a fold reads it: the verifier thread only checks links and never does. */
  constructor(
    r: EventRow,
    readonly contentMatches: boolean,
  ) {
    this.position = r[0];
    this.dataJson = r[5];
    this.streamId = r[1];
    this.revision = r[2];
    this.type = r[4];
    this.metadataJson = r[6];
    this.prevHash = r[8];
    this.hash = r[9];
  }

  get data(): JsonObject {
    return (this.parsedData ??= JSON.parse(this.dataJson) as JsonObject);
  }

  get metadata(): JsonObject {
    return (this.parsed ??= JSON.parse(this.metadataJson) as JsonObject);
  }
}
