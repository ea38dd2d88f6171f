import type { Database as Db, Statement } from 'better-sqlite3';
import type { AnyProjection, ProjectionDefinition, ProjectionEvent, QueryContext, StateReader, StreamDocument } from '../../projections/define.js';
import { decodeTrusted } from '../../schemas/upcast.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore, ProjectedEvent } from '../store/port.js';
import { batchWriter, commitPlan } from './commit.js';
import type { BatchWrites, SerialisedWrites } from './commit.js';
import { checkpoints } from './read-model-db.js';
import { DocCache } from './doc-cache.js';
import { buildIndexes, deferIndexes } from './deferred-indexes.js';
import type { DeferredIndex } from './deferred-indexes.js';

/** Documents kept parsed per collection; past this, those not waiting for a commit are let go. */
const DOC_CACHE = 20_000;
/** Documents `docs` reads before it gives the thread back for a turn (a few milliseconds of reads). */
const DOCS_PER_TURN = 250;

/** A stored event as projections see it: decoded to its current version, with where it stands. */
function projectionEvent(e: ProjectedEvent): ProjectionEvent | undefined {
  const d = decodeTrusted(e) as ProjectionEvent | undefined;
  if (!d) return undefined;
  d.streamId = e.streamId;
  d.position = e.position;
  return d;
}

/** What marking a batch committed takes of it: little, so that its writes can go once handed over. */
export interface BatchReceipt {
  readonly seq: number;
  readonly checkpoints: BatchWrites['checkpoints'];
  /** What the projections asked to be done once the batch is committed (see onCommit). */
  readonly after: (() => void)[];
}

/** A folded batch whose writes are not yet committed. */
export interface PreparedBatch {
  readonly seq: number;
  readonly receipt: BatchReceipt;
  readonly writes: BatchWrites;
}

/** Per projection: where it stands, and the documents it folds on. */
interface Slot {
  readonly def: AnyProjection;
  readonly queries: unknown;
  folded: bigint;
  durable: bigint;
  readonly docs: Map<string, DocCache>;
  /** Documents of batches not committed yet, by `collection\0key`, with the batch that wrote them last. */
  readonly pending: Map<string, number>;
  /**
   * While folding into tables that started empty: every key written so far. Any other is new, which
   * spares a rebuild one lookup per document. Dropped once caught up.
   */
  written: Map<string, Set<string>> | undefined;
  readonly docStmt: Map<string, Statement>;
}

/**
 * Folds batches of events into every registered projection. Each batch becomes one set of writes,
 * for all projections with their checkpoints, committed in one transaction, so a crash never counts
 * an event twice or half. A projection folds only the event types it handles and only past its own
 * checkpoint, so one rebuilt alone catches up while the others wait at theirs.
 *
 * `apply` folds and commits in this thread. A catch-up may instead `prepare` a batch, commit its
 * writes elsewhere (the writer thread) and report it `committed`; until then the documents it wrote
 * are kept here, so the next batches fold on top of them, and a projection's `rows` query waits
 * (`drain`) for the commits in flight. Projections never see that pipeline.
 */
export class Projector {
  private readonly slots: Slot[];
  private readonly write: (w: BatchWrites) => void;
  private readonly rowStmt = new Map<string, Statement>();
  private seq = 0;
  /** Waits for every batch handed elsewhere to be committed; set by whoever commits them. */
  drain: () => Promise<void> = async () => {};

  /** `events` is where documents folded from streams are read (see StreamDocument): the store the events come from. */
  constructor(
    private readonly db: Db,
    readonly projections: readonly AnyProjection[],
    private readonly events?: Pick<EventStore, 'readStream' | 'readStreamProjected'>,
  ) {
    const saved = checkpoints(db);
    this.slots = projections.map((def) => {
      const position = saved.get(def.name) ?? -1n;
      const docs = new Map<string, DocCache>();
      const pending = new Map<string, number>();
      const written = position < 0n ? new Map<string, Set<string>>() : undefined;
      for (const collection of Object.keys(def.documents ?? {})) {
        docs.set(collection, new DocCache(DOC_CACHE, (key) => pending.has(`${collection}\0${key}`)));
      }
      for (const collection of [...Object.keys(def.documents ?? {}), ...Object.keys(def.streamDocuments ?? {})]) written?.set(collection, new Set());
      const context: QueryContext = { stream: (streamId, through) => this.streamEvents(streamId, through, def.handles) };
      return { def, queries: def.queries(db, context), folded: position, durable: position, docs, pending, written, docStmt: new Map() };
    });
    this.write = batchWriter(db, commitPlan(projections));
  }

  /** Position up to which every projection's read models are committed (-1n before any). */
  get checkpoint(): bigint {
    return this.slots.reduce((min, s) => (s.durable < min ? s.durable : min), this.slots[0]?.durable ?? -1n);
  }

  /** Position up to which every projection has folded; its batch may still be being written. */
  get folded(): bigint {
    return this.slots.reduce((min, s) => (s.folded < min ? s.folded : min), this.slots[0]?.folded ?? -1n);
  }

  /** Each projection's name, version and committed position. */
  status(): { name: string; version: number; position: bigint }[] {
    return this.slots.map((s) => ({ name: s.def.name, version: s.def.version, position: s.durable }));
  }

  /** The queries of a registered projection. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  queries<Q>(def: ProjectionDefinition<any, Q> | string): Q {
    const name = typeof def === 'string' ? def : def.name;
    const slot = this.slots.find((s) => s.def.name === name);
    if (!slot) throw new Error(`projection ${name} is not registered`);
    return slot.queries as Q;
  }

  /** Folds and commits in this thread. */
  async apply(events: readonly ProjectedEvent[]): Promise<void> {
    const batch = await this.prepare(events);
    if (batch) this.commit(batch);
  }

  /**
   * Writes a prepared batch in this thread (one transaction) and marks it committed. When the write
   * fails, nothing of it is written and the batch may be committed again (the runner retries).
   */
  commit(batch: PreparedBatch): void {
    this.write(batch.writes);
    this.committed(batch.receipt);
  }

  /** Folds events not folded yet into a batch of writes, or undefined when there are none. */
  async prepare(events: readonly ProjectedEvent[]): Promise<PreparedBatch | undefined> {
    const from = this.folded;
    const decoded: ProjectionEvent[] = [];
    for (const e of events) {
      if (e.position <= from) continue;
      const d = projectionEvent(e);
      if (d) decoded.push(d);
    }
    const last = events.at(-1)?.position;
    if (last === undefined || last <= from) return undefined;
    const seq = this.seq++;
    const writes: BatchWrites = { projections: [], checkpoints: [] };
    const after: (() => void)[] = [];
    for (const slot of this.slots) {
      if (slot.folded >= last) continue;
      const mine = decoded.filter((e) => e.position > slot.folded && slot.def.handles.has(e.type));
      if (mine.length > 0) writes.projections.push([slot.def.name, await this.fold(slot, mine, seq, after)]);
      slot.folded = last;
      writes.checkpoints.push([slot.def.name, last.toString()]);
    }
    return { seq, writes, receipt: { seq, checkpoints: writes.checkpoints, after } };
  }

  private async fold(slot: Slot, events: ProjectionEvent[], seq: number, after: (() => void)[]): Promise<SerialisedWrites> {
    try {
      const state = await slot.def.load(events, this.reader(slot));
      const w = await slot.def.apply(events, state);
      const then = slot.def.onCommit?.(w);
      if (then) after.push(() => then(slot.queries));
      const latest = new Map<string, [string, string, unknown]>();
      for (const d of w.docs) latest.set(`${d[0]}\0${d[1]}`, d);
      const docs: SerialisedWrites['docs'] = [];
      for (const [id, [collection, key, value]] of latest) {
        slot.written?.get(collection)?.add(key);
        // A stream's document is folded again from its events when next needed: nothing to write, and
        // nothing kept (a rebuild's records would outlive the young generation for no later use).
        if (slot.def.streamDocuments?.[collection]) continue;
        slot.docs.get(collection)!.set(key, value);
        slot.pending.set(id, seq);
        docs.push([collection, key, JSON.stringify(value)]);
      }
      return { docs, rows: w.rows };
    } catch (err) {
      // The documents it was handed may be half changed: read them again.
      for (const m of slot.docs.values()) m.clear();
      throw err;
    }
  }

  private reader(slot: Slot): StateReader {
    // While folding into tables that started empty, a key never written is known to be absent.
    const unwritten = (collection: string, key: string): boolean => slot.written !== undefined && !slot.written.get(collection)!.has(key);
    const fromStream = async <T>(folding: StreamDocument, collection: string, key: string): Promise<T | undefined> => {
      if (unwritten(collection, key)) return undefined;
      return folding.fold(await this.streamEvents(folding.stream(key), slot.folded, slot.def.handles)) as T | undefined;
    };
    const doc = <T>(collection: string, key: string): T | undefined => {
      if (slot.def.streamDocuments?.[collection]) throw new Error(`projection ${slot.def.name} reads ${collection} from their streams: with docs, not doc`);
      const cache = slot.docs.get(collection);
      if (!cache) throw new Error(`projection ${slot.def.name} declares no document collection ${collection}`);
      const kept = cache.get(key);
      if (kept !== undefined) return kept as T;
      if (unwritten(collection, key)) return undefined;
      let stmt = slot.docStmt.get(collection);
      if (!stmt) slot.docStmt.set(collection, (stmt = this.db.prepare(`SELECT doc FROM ${slot.def.documents![collection]} WHERE id = ?`).pluck()));
      const text = stmt.get(key) as string | undefined;
      if (text === undefined) return undefined;
      const value = JSON.parse(text) as T;
      cache.set(key, value);
      return value;
    };
    return {
      doc,
      docs: async <T>(collection: string, keys: Iterable<string>): Promise<Map<string, T | undefined>> => {
        const found = new Map<string, T | undefined>();
        const folding = slot.def.streamDocuments?.[collection];
        for (const key of keys) {
          found.set(key, folding ? await fromStream<T>(folding, collection, key) : doc<T>(collection, key));
          if (found.size % DOCS_PER_TURN === 0) await new Promise(setImmediate);
        }
        return found;
      },
      rows: async <T>(sql: string, ...params: unknown[]): Promise<T[]> => {
        await this.drain();
        let stmt = this.rowStmt.get(sql);
        if (!stmt) this.rowStmt.set(sql, (stmt = this.db.prepare(sql)));
        return stmt.all(...params) as T[];
      },
    };
  }

  /** A stream's events of the given types, decoded, up to `through`: what a document folded from it, or a query, reads. */
  private async streamEvents(streamId: string, through: bigint, types: ReadonlySet<string>): Promise<ProjectionEvent[]> {
    const recorded = await this.readStream(streamId, through);
    const events: ProjectionEvent[] = [];
    for (const e of recorded) {
      if (!types.has(e.type)) continue;
      const d = projectionEvent(e);
      if (d) events.push(d);
    }
    return events;
  }

  /** A stream's events up to `through` (none when it has none), by the store's cheaper read where it has one. */
  private async readStream(streamId: string, through: bigint): Promise<readonly ProjectedEvent[]> {
    if (!this.events) throw new Error(`stream ${streamId} asked for: this projector was given no event store`);
    if (this.events.readStreamProjected) return this.events.readStreamProjected(streamId, through);
    try {
      const recorded = await this.events.readStream(streamId);
      const past = recorded.findIndex((e) => e.position > through);
      return past < 0 ? recorded : recorded.slice(0, past);
    } catch (err) {
      if (err instanceof StreamNotFound) return [];
      throw err;
    }
  }

  /** Drops, for a bulk catch-up, the indexes of empty tables that no projection's fold reads through. */
  deferIndexes(): DeferredIndex[] {
    return deferIndexes(this.db, new Set(this.projections.flatMap((p) => p.foldIndexes ?? [])));
  }

  /** Builds the deferred indexes the writer thread did not. */
  buildIndexes(deferred: readonly DeferredIndex[]): void {
    buildIndexes(this.db, deferred);
  }

  /** The catch-up is over: from now on documents not cached are looked up. */
  caughtUp(): void {
    for (const s of this.slots) s.written = undefined;
  }

  /** The batch's writes are committed: the read models now answer for it. Called in `prepare` order. */
  committed(receipt: BatchReceipt): void {
    for (const slot of this.slots) {
      for (const [id, seq] of slot.pending) if (seq === receipt.seq) slot.pending.delete(id);
      const cp = receipt.checkpoints.find(([name]) => name === slot.def.name);
      if (cp) slot.durable = BigInt(cp[1]);
    }
    for (const then of receipt.after) then();
  }
}
