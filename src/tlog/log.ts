import type { Database as Db, Statement } from 'better-sqlite3';
import { FileSync } from './file-sync.js';
import { openLogDb } from './log-db.js';
import { checkpointText, cosignatureTime, parseNote, parseVerifierKey } from './note.js';
import type { NoteSigner, VerifierKey } from './note.js';
import { HASH_SIZE, TILE_WIDTH } from './tiles.js';
import { TileHasher } from './tile-hasher.js';
import { MerkleTree } from './tree.js';

/** What the log keeps of each event it covers. */
export interface LogEntry {
  position: bigint;
  streamId: string;
  revision: bigint;
  /** The event's hash (hex); the leaf is SHA-256(0x00 ‖ these 32 bytes). */
  hash: string;
}

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  /** The signed note, with the cosignatures it has gathered appended. */
  note: string;
  signedAt: string;
  cosignatures: number;
}

/**
 * One entry tile's leaves, in the bytes it is stored as: positions and revisions as big-endian
 * int64, the events' hashes as 32 raw bytes each (an append decodes the hex once, into here), the
 * streams' ids in a JSON array.
 */
interface EntryRow {
  positions: Buffer;
  hashes: Buffer;
  revisions: Buffer;
  streams: string[];
}

/** The row appends fill: its numbers written through DataViews (Buffer's BigInt writes cost several times more). */
interface EdgeRow extends EntryRow {
  positionView: DataView;
  revisionView: DataView;
}

const viewOf = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.length);

function newEntryRow(): EdgeRow {
  const positions = Buffer.allocUnsafe(TILE_WIDTH * 8);
  const revisions = Buffer.allocUnsafe(TILE_WIDTH * 8);
  return { positions, revisions, positionView: viewOf(positions), revisionView: viewOf(revisions), hashes: Buffer.allocUnsafe(TILE_WIDTH * HASH_SIZE), streams: [] };
}

/** A row as v2 stored it: the streams as [id, revision] tuples, no revisions column. */
function fromTuples(tuples: [string, number][]): Pick<EntryRow, 'streams' | 'revisions'> {
  const revisions = Buffer.allocUnsafe(tuples.length * 8);
  tuples.forEach(([, r], i) => revisions.writeBigInt64BE(BigInt(r), i * 8));
  return { streams: tuples.map(([id]) => id), revisions };
}

/** Appends between a bulk fold's commits. */
const BULK_COMMIT = 100_000;

const rowSize = (row: EntryRow): number => row.streams.length;
const positionAt = (row: EntryRow, i: number): bigint => row.positions.readBigInt64BE(i * 8);
const hashAt = (row: EntryRow, i: number): string => row.hashes.toString('hex', i * HASH_SIZE, (i + 1) * HASH_SIZE);
const entryAt = (row: EntryRow, i: number): LogEntry => ({ position: positionAt(row, i), hash: hashAt(row, i), streamId: row.streams[i]!, revision: row.revisions.readBigInt64BE(i * 8) });

export interface LogOptions {
  file: string;
  /** The log's key. A thread that only appends in bulk (a rebuild's verifier) opens the log without it, and cannot sign. */
  signer?: NoteSigner;
  clock?: () => Date;
  /** For a checker beside a running server: nothing is written, not even on close. */
  readonly?: boolean;
  /**
   * For a bulk fold into a new file (`ledger rebuild`): full tiles are hashed on a second thread
   * while this one keeps the entries, the tree catching up when it is next read or committed; the
   * file is written without a journal (see openLogDb), committed every BULK_COMMIT appends (memory
   * then holds the right edge only, not the whole history), synced in the background after each
   * commit and once more, waited for, on close.
   */
  bulk?: boolean;
  /**
   * For a server: each full tile is hashed on a second thread, started at open, so that the thread
   * that acknowledges appends keeps only the entries (and hashes the partial tile a read or a commit
   * needs). Implied by `bulk`, which hands the thread tiles four at a time.
   */
  hashThread?: boolean;
}

/**
 * The verifiable log over `$all`: one leaf per event in `$all` order, leaf index = the event's
 * ordinal (its position is kept beside it; positions need not be dense). Appends go to memory;
 * `commit` persists what changed, in one transaction; `sign` commits and signs a checkpoint.
 */
export class TransparencyLog {
  private readonly db: Db;
  private readonly tree: MerkleTree;
  private readonly clock: () => Date;
  private readonly stmt: Record<
    'tile' | 'putTile' | 'entryRow' | 'entryTileAt' | 'putState' | 'head' | 'checkpointAt' | 'putCheckpoint' | 'cosigned' | 'putCosignature' | 'cosignaturesOf',
    Statement
  >;
  private edge: EdgeRow = newEntryRow();
  private readonly fullEntryTiles: [tile: number, row: EntryRow][] = [];
  private entriesDirty = false;
  private lastPos: bigint;
  private readonly commitTx: () => void;
  /** Not prepared read-only: a file of v2 has no revisions column to write. */
  private readonly putEntries: Statement | undefined;
  private readonly file: string;
  private readonly bulk: boolean;
  private readonly sync: FileSync | undefined;
  private closed = false;
  private readonly readonly: boolean;
  /** Leaves appended: the tree may lag behind them while a TileHasher hashes, never past a read. */
  private count: number;
  private readonly hasher: TileHasher | undefined;
  /** Leaves that are in the tree or queued to the hasher. */
  private queuedTo: number;
  /** Leaves persisted by the last commit. */
  private committedSize: number;

  private constructor(
    options: LogOptions,
    private readonly signer: NoteSigner | undefined,
  ) {
    this.readonly = options.readonly ?? false;
    this.file = options.file;
    this.bulk = (options.bulk ?? false) && !this.readonly;
    this.db = openLogDb(options.file, { bulk: this.bulk, readonly: this.readonly });
    this.sync = this.bulk ? new FileSync(options.file) : undefined;
    this.clock = options.clock ?? (() => new Date());
    const db = this.db;
    this.stmt = {
      tile: db.prepare('SELECT hashes FROM tiles WHERE level = ? AND idx = ?').pluck(),
      putTile: db.prepare('INSERT OR REPLACE INTO tiles (level, idx, hashes) VALUES (?, ?, ?)'),
      // Every column: a checker reads a file of v2 (no revisions column) as it is, and sees the
      // column once a server of this build adds it (SQLite prepares the statement again).
      entryRow: db.prepare('SELECT * FROM entries WHERE tile = ?').raw(true),
      entryTileAt: db.prepare('SELECT tile FROM entries WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1').pluck().safeIntegers(true),
      putState: db.prepare('INSERT OR REPLACE INTO state (id, size) VALUES (1, ?)'),
      head: db.prepare('SELECT size, root, note, signed_at FROM checkpoints ORDER BY size DESC LIMIT 1').raw(true),
      checkpointAt: db.prepare('SELECT size, root, note, signed_at FROM checkpoints WHERE size = ?').raw(true),
      putCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)'),
      cosigned: db.prepare('SELECT c.size, c.root, c.note, c.signed_at FROM checkpoints c WHERE EXISTS (SELECT 1 FROM cosignatures s WHERE s.size = c.size) ORDER BY c.size DESC LIMIT 1').raw(true),
      putCosignature: db.prepare('INSERT OR REPLACE INTO cosignatures (size, witness, line, time) VALUES (?, ?, ?, ?)'),
      cosignaturesOf: db.prepare('SELECT line FROM cosignatures WHERE size = ? ORDER BY witness').pluck(),
    };
    this.putEntries = this.readonly ? undefined : db.prepare('INSERT OR REPLACE INTO entries (tile, first_position, positions, hashes, streams, revisions) VALUES (?, ?, ?, ?, ?, ?)');
    const size = (db.prepare('SELECT size FROM state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    this.tree = MerkleTree.load({ readTile: (level, index) => this.stmt.tile.get(level, index) as Buffer | undefined }, size);
    this.count = size;
    this.queuedTo = size;
    this.committedSize = size;
    this.hasher = this.bulk ? new TileHasher(4) : options.hashThread && !this.readonly ? new TileHasher(1).started() : undefined;
    if (size % TILE_WIDTH > 0) this.edge = this.readEdgeRow(Math.floor(size / TILE_WIDTH));
    this.lastPos = size === 0 ? -1n : this.entry(size - 1)!.position;
    // The entries are written first: the hasher's thread may still be hashing their tiles.
    this.commitTx = db.transaction(() => {
      for (const [tile, row] of this.fullEntryTiles) this.putEntryRow(tile, row);
      if (this.entriesDirty && rowSize(this.edge) > 0) this.putEntryRow(Math.floor(this.count / TILE_WIDTH), this.edge);
      this.syncTree();
      for (const t of this.tree.takeDirty()) this.stmt.putTile.run(t.level, t.index, t.hashes);
      this.stmt.putState.run(this.tree.size);
    });
  }

  static open(options: LogOptions): TransparencyLog {
    return new TransparencyLog(options, options.signer);
  }

  get origin(): string {
    return this.key().name;
  }

  get verifier(): VerifierKey {
    return this.key().verifier;
  }

  private key(): NoteSigner {
    if (!this.signer) throw new Error('the log was opened without its key');
    return this.signer;
  }

  /** Leaves in the tree, committed or not. */
  get size(): number {
    return this.count;
  }

  /** Position of the last event the log covers, or -1n. */
  get lastPosition(): bigint {
    return this.lastPos;
  }

  append(e: LogEntry): void {
    if (this.readonly) throw new Error('the log was opened read-only');
    if (e.position <= this.lastPos) throw new RangeError(`position ${e.position} is not after the log's last, ${this.lastPos}`);
    const edge = this.edge;
    const i = rowSize(edge);
    if (e.hash.length !== 2 * HASH_SIZE || edge.hashes.write(e.hash, i * HASH_SIZE, HASH_SIZE, 'hex') !== HASH_SIZE) throw new RangeError(`event at ${e.position} has no 32-byte hash`);
    edge.positionView.setBigInt64(i * 8, e.position);
    edge.revisionView.setBigInt64(i * 8, e.revision);
    edge.streams.push(e.streamId);
    this.entriesDirty = true;
    this.lastPos = e.position;
    this.count++;
    if (!this.hasher) this.tree.appendEntry(edge.hashes, i * HASH_SIZE);
    if (i + 1 === TILE_WIDTH) {
      if (this.hasher) this.queueTile(edge);
      this.fullEntryTiles.push([this.count / TILE_WIDTH - 1, edge]);
      this.edge = newEntryRow();
      this.entriesDirty = false;
    }
    if (this.bulk && this.count - this.committedSize >= BULK_COMMIT) this.commit();
  }

  /** Persists every append so far, in one transaction (not synced to disk: see openLogDb). */
  commit(): void {
    this.commitTx();
    this.committedSize = this.count;
    this.fullEntryTiles.length = 0;
    this.entriesDirty = false;
    this.sync?.soon();
  }

  /**
   * Commits, then signs a checkpoint of the current size if it is newer than the last one; returns
   * the head. Not synced to disk (see openLogDb): a checkpoint is a function of the events, which
   * are, so one lost to a power cut is signed again, with the same root, once they are folded again.
   */
  sign(): StoredCheckpoint | undefined {
    const head = this.head();
    this.commit();
    if (head && head.size >= this.count) return head;
    if (!head && this.count === 0) return undefined;
    const size = this.tree.size;
    const root = this.tree.root(size);
    const text = checkpointText({ origin: this.origin, size, root });
    const note = `${text}\n${this.key().signatureLine(text)}`;
    const signedAt = this.clock().toISOString();
    this.stmt.putCheckpoint.run(size, root, note, signedAt);
    return { size, root, note, signedAt, cosignatures: 0 };
  }

  /** The newest signed checkpoint: the log's head. */
  head(): StoredCheckpoint | undefined {
    return this.toCheckpoint(this.stmt.head.get());
  }

  checkpointAt(size: number): StoredCheckpoint | undefined {
    return this.toCheckpoint(this.stmt.checkpointAt.get(size));
  }

  /** The newest checkpoint that at least one witness has cosigned. */
  latestCosigned(): StoredCheckpoint | undefined {
    return this.toCheckpoint(this.stmt.cosigned.get());
  }

  /**
   * Keeps the valid cosignatures of `note` by the `witnesses` (verifier keys) over one of the log's
   * checkpoints. Returns how many were kept, or why none could be.
   */
  addCosignatures(note: string, witnesses: readonly VerifierKey[]): { ok: true; size: number; kept: number } | { ok: false; reason: 'malformed' | 'unknown-checkpoint' | 'no-valid-cosignature' } {
    const parsed = parseNote(note);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const sizeLine = parsed.text.split('\n')[1];
    const stored = sizeLine && /^\d{1,16}$/.test(sizeLine) ? this.checkpointAt(Number(sizeLine)) : undefined;
    if (!stored || !stored.note.startsWith(`${parsed.text}\n`)) return { ok: false, reason: 'unknown-checkpoint' };
    let kept = 0;
    for (const line of parsed.signatures) {
      for (const w of witnesses) {
        const time = cosignatureTime(parsed.text, line, w);
        if (time === undefined) continue;
        this.stmt.putCosignature.run(stored.size, w.vkey, line.line, time);
        kept++;
      }
    }
    return kept > 0 ? { ok: true, size: stored.size, kept } : { ok: false, reason: 'no-valid-cosignature' };
  }

  /** Takes over the signed checkpoints and cosignatures of the log file this one is rebuilt to replace. */
  importHistory(oldFile: string): void {
    this.db.prepare('ATTACH DATABASE ? AS old').run(oldFile);
    try {
      this.db.exec('INSERT OR IGNORE INTO checkpoints SELECT * FROM old.checkpoints; INSERT OR IGNORE INTO cosignatures SELECT * FROM old.cosignatures;');
    } finally {
      this.db.exec('DETACH DATABASE old');
    }
  }

  root(size: number): Buffer {
    this.syncTree();
    return this.tree.root(size);
  }

  inclusionProof(index: number, size: number): Buffer[] {
    this.syncTree();
    return this.tree.inclusionProof(index, size);
  }

  consistencyProof(from: number, to: number): Buffer[] {
    this.syncTree();
    return this.tree.consistencyProof(from, to);
  }

  /** The leaf of the event at `position`, or undefined when the log does not cover it. */
  leafIndexOf(position: bigint): number | undefined {
    if (position > this.lastPos || position < 0n) return undefined;
    const edgeTile = Math.floor(this.count / TILE_WIDTH);
    let tile: number;
    let row: EntryRow;
    if (rowSize(this.edge) > 0 && position >= positionAt(this.edge, 0)) {
      tile = edgeTile;
      row = this.edge;
    } else {
      const pending = this.fullEntryTiles.findLast(([, r]) => positionAt(r, 0) <= position);
      if (pending) [tile, row] = pending;
      else {
        const found = this.stmt.entryTileAt.get(position) as bigint | undefined;
        if (found === undefined) return undefined;
        tile = Number(found);
        row = this.readEntryRow(tile);
      }
    }
    let lo = 0;
    let hi = rowSize(row) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = positionAt(row, mid);
      if (p === position) return tile * TILE_WIDTH + mid;
      if (p < position) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** What the log holds of leaf `index`. */
  entry(index: number): LogEntry | undefined {
    if (!(index >= 0 && index < this.count)) return undefined;
    const row = this.entryRowOf(Math.floor(index / TILE_WIDTH));
    const i = index % TILE_WIDTH;
    return entryAt(row, i);
  }

  /** Leaf entries in order from `from`, a tile row at a time (for a pass over the whole log). */
  *entries(from = 0): Generator<LogEntry & { index: number }> {
    for (let index = from; index < this.count; ) {
      const tile = Math.floor(index / TILE_WIDTH);
      const row = this.entryRowOf(tile);
      for (let i = index % TILE_WIDTH; i < rowSize(row); i++, index++) {
        yield { index, ...entryAt(row, i) };
      }
    }
  }

  /** A tlog-tiles hash tile. */
  tile(level: number, index: number, width: number): Buffer | undefined {
    this.syncTree();
    return this.tree.tile(level, index, width);
  }

  /** A tlog-tiles entry bundle: each entry (the event's 32-byte hash) with its big-endian 16-bit length. */
  entryBundle(index: number, width: number): Buffer | undefined {
    if (index * TILE_WIDTH + width > this.count) return undefined;
    const row = this.entryRowOf(index);
    const out = Buffer.alloc(width * (2 + HASH_SIZE));
    for (let i = 0; i < width; i++) {
      out.writeUInt16BE(HASH_SIZE, i * (2 + HASH_SIZE));
      row.hashes.copy(out, i * (2 + HASH_SIZE) + 2, i * HASH_SIZE, (i + 1) * HASH_SIZE);
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.readonly) this.commit();
    this.hasher?.close();
    this.db.close();
    this.sync?.now();
  }

  /**
   * A full entry row goes to the hasher when the tree and the queue reach its start; the rest of a
   * row the tree had begun (a read stopped it mid-row) is hashed here.
   */
  private queueTile(row: EntryRow): void {
    const start = this.count - TILE_WIDTH;
    if (this.queuedTo === start) this.hasher!.submit(row.hashes, 0);
    else if (this.queuedTo > start && this.tree.size === this.queuedTo) for (let i = this.queuedTo - start; i < TILE_WIDTH; i++) this.tree.appendEntry(row.hashes, i * HASH_SIZE);
    else return;
    this.queuedTo = this.count;
  }

  /** Brings the tree up to every leaf appended: what the hasher was given, then the rest, here. */
  private syncTree(): void {
    if (this.tree.size === this.count) return;
    this.hasher?.drain((tile) => this.tree.appendHashedTile(tile));
    while (this.tree.size < this.count) {
      const row = this.entryRowOf(Math.floor(this.tree.size / TILE_WIDTH));
      const from = this.tree.size % TILE_WIDTH;
      if (rowSize(row) <= from) throw new Error(`the log's entries end before leaf ${this.tree.size}`);
      for (let i = from; i < rowSize(row); i++) this.tree.appendEntry(row.hashes, i * HASH_SIZE);
    }
    this.queuedTo = this.count;
  }

  private entryRowOf(tile: number): EntryRow {
    if (tile === Math.floor(this.count / TILE_WIDTH)) return this.edge;
    const pending = this.fullEntryTiles.find(([t]) => t === tile);
    return pending ? pending[1] : this.readEntryRow(tile);
  }

  private readEntryRow(tile: number): EntryRow {
    const raw = this.stmt.entryRow.get(tile) as [number, number, Buffer, Buffer, string, (Buffer | null)?] | undefined;
    if (!raw) throw new Error(`the log's entry tile ${tile} is missing`);
    const [, , positions, hashes, streams, revisions] = raw;
    const row: EntryRow = { positions, hashes, ...(revisions ? { streams: JSON.parse(streams) as string[], revisions } : fromTuples(JSON.parse(streams) as [string, number][])) };
    const n = rowSize(row);
    if (positions.length !== n * 8 || row.revisions.length !== n * 8 || hashes.length !== n * HASH_SIZE) throw new Error(`the log's entry tile ${tile} is malformed`);
    return row;
  }

  /** The stored partial entry tile, in buffers the appends after it fill. */
  private readEdgeRow(tile: number): EdgeRow {
    const stored = this.readEntryRow(tile);
    const row = newEntryRow();
    stored.positions.copy(row.positions);
    stored.hashes.copy(row.hashes);
    stored.revisions.copy(row.revisions);
    row.streams = stored.streams;
    return row;
  }

  private putEntryRow(tile: number, row: EntryRow): void {
    const n = rowSize(row);
    this.putEntries!.run(tile, positionAt(row, 0), row.positions.subarray(0, n * 8), row.hashes.subarray(0, n * HASH_SIZE), JSON.stringify(row.streams), row.revisions.subarray(0, n * 8));
  }

  private toCheckpoint(raw: unknown): StoredCheckpoint | undefined {
    if (!raw) return undefined;
    const [size, root, note, signedAt] = raw as [number, Buffer, string, string];
    const lines = this.stmt.cosignaturesOf.all(size) as string[];
    return { size, root, note: note + lines.join(''), signedAt, cosignatures: lines.length };
  }
}

/** Parses the configured witnesses' verifier keys (comma- or space-separated); throws on a bad one. */
export function parseWitnessKeys(list: string | undefined): VerifierKey[] {
  if (!list) return [];
  return list
    .split(/[,\s]+/)
    .filter(Boolean)
    .map((vkey) => {
      const key = parseVerifierKey(vkey);
      if (!key) throw new Error(`not a witness verifier key: ${vkey}`);
      return key;
    });
}
