import type { Database as Db, Statement } from 'better-sqlite3';
import { openLogDb } from './log-db.js';
import { checkpointText, cosignatureTime, parseNote, parseVerifierKey } from './note.js';
import type { NoteSigner, VerifierKey } from './note.js';
import { HASH_SIZE, TILE_WIDTH } from './tiles.js';
import { MerkleTree } from './tree.js';
import type { DirtyTile } from './tree.js';

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

interface EntryRow {
  positions: bigint[];
  /** Event hashes, hex. */
  hashes: string[];
  streams: [string, number][];
}

export interface LogOptions {
  file: string;
  signer: NoteSigner;
  clock?: () => Date;
  /** For a checker beside a running server: nothing is written, not even on close. */
  readonly?: boolean;
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
    'tile' | 'putTile' | 'entryRow' | 'putEntries' | 'entryTileAt' | 'putState' | 'head' | 'checkpointAt' | 'putCheckpoint' | 'cosigned' | 'putCosignature' | 'cosignaturesOf',
    Statement
  >;
  private readonly edge: EntryRow = { positions: [], hashes: [], streams: [] };
  private readonly fullEntryTiles: [tile: number, row: EntryRow][] = [];
  private entriesDirty = false;
  private lastPos: bigint;
  private readonly commitTx: (tiles: DirtyTile[]) => void;
  private closed = false;
  private readonly readonly: boolean;

  private constructor(
    options: LogOptions,
    readonly signer: NoteSigner,
  ) {
    this.readonly = options.readonly ?? false;
    this.db = openLogDb(options.file);
    this.clock = options.clock ?? (() => new Date());
    const db = this.db;
    this.stmt = {
      tile: db.prepare('SELECT hashes FROM tiles WHERE level = ? AND idx = ?').pluck(),
      putTile: db.prepare('INSERT OR REPLACE INTO tiles (level, idx, hashes) VALUES (?, ?, ?)'),
      entryRow: db.prepare('SELECT positions, hashes, streams FROM entries WHERE tile = ?').raw(true),
      putEntries: db.prepare('INSERT OR REPLACE INTO entries (tile, first_position, positions, hashes, streams) VALUES (?, ?, ?, ?, ?)'),
      entryTileAt: db.prepare('SELECT tile FROM entries WHERE first_position <= ? ORDER BY first_position DESC LIMIT 1').pluck().safeIntegers(true),
      putState: db.prepare('INSERT OR REPLACE INTO state (id, size) VALUES (1, ?)'),
      head: db.prepare('SELECT size, root, note, signed_at FROM checkpoints ORDER BY size DESC LIMIT 1').raw(true),
      checkpointAt: db.prepare('SELECT size, root, note, signed_at FROM checkpoints WHERE size = ?').raw(true),
      putCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)'),
      cosigned: db.prepare('SELECT c.size, c.root, c.note, c.signed_at FROM checkpoints c WHERE EXISTS (SELECT 1 FROM cosignatures s WHERE s.size = c.size) ORDER BY c.size DESC LIMIT 1').raw(true),
      putCosignature: db.prepare('INSERT OR REPLACE INTO cosignatures (size, witness, line, time) VALUES (?, ?, ?, ?)'),
      cosignaturesOf: db.prepare('SELECT line FROM cosignatures WHERE size = ? ORDER BY witness').pluck(),
    };
    const size = (db.prepare('SELECT size FROM state WHERE id = 1').pluck().get() as number | undefined) ?? 0;
    this.tree = MerkleTree.load({ readTile: (level, index) => this.stmt.tile.get(level, index) as Buffer | undefined }, size);
    if (size % TILE_WIDTH > 0) Object.assign(this.edge, this.readEntryRow(Math.floor(size / TILE_WIDTH)));
    this.lastPos = size === 0 ? -1n : this.entry(size - 1)!.position;
    this.commitTx = db.transaction((tiles: DirtyTile[]) => {
      for (const t of tiles) this.stmt.putTile.run(t.level, t.index, t.hashes);
      for (const [tile, row] of this.fullEntryTiles) this.putEntryRow(tile, row);
      if (this.entriesDirty && this.edge.positions.length > 0) this.putEntryRow(Math.floor(this.tree.size / TILE_WIDTH), this.edge);
      this.stmt.putState.run(this.tree.size);
    });
  }

  static open(options: LogOptions): TransparencyLog {
    return new TransparencyLog(options, options.signer);
  }

  get origin(): string {
    return this.signer.name;
  }

  get verifier(): VerifierKey {
    return this.signer.verifier;
  }

  /** Leaves in the tree, committed or not. */
  get size(): number {
    return this.tree.size;
  }

  /** Position of the last event the log covers, or -1n. */
  get lastPosition(): bigint {
    return this.lastPos;
  }

  append(e: LogEntry): void {
    if (this.readonly) throw new Error('the log was opened read-only');
    if (e.position <= this.lastPos) throw new RangeError(`position ${e.position} is not after the log's last, ${this.lastPos}`);
    if (!this.tree.appendEventHash(e.hash)) throw new RangeError(`event at ${e.position} has no 32-byte hash`);
    this.edge.positions.push(e.position);
    this.edge.hashes.push(e.hash);
    this.edge.streams.push([e.streamId, Number(e.revision)]);
    this.entriesDirty = true;
    this.lastPos = e.position;
    if (this.edge.positions.length === TILE_WIDTH) {
      this.fullEntryTiles.push([this.tree.size / TILE_WIDTH - 1, { positions: this.edge.positions, hashes: this.edge.hashes, streams: this.edge.streams }]);
      this.edge.positions = [];
      this.edge.hashes = [];
      this.edge.streams = [];
      this.entriesDirty = false;
    }
  }

  /** Persists every append so far, in one transaction (not synced to disk: see openLogDb). */
  commit(): void {
    this.commitTx(this.tree.takeDirty());
    this.fullEntryTiles.length = 0;
    this.entriesDirty = false;
  }

  /**
   * Commits, then signs a checkpoint of the current size if it is newer than the last one; returns
   * the head. Not synced to disk (see openLogDb): a checkpoint is a function of the events, which
   * are, so one lost to a power cut is signed again, with the same root, once they are folded again.
   */
  sign(): StoredCheckpoint | undefined {
    const head = this.head();
    this.commit();
    if (head && head.size >= this.tree.size) return head;
    if (!head && this.tree.size === 0) return undefined;
    const size = this.tree.size;
    const root = this.tree.root(size);
    const text = checkpointText({ origin: this.origin, size, root });
    const note = `${text}\n${this.signer.signatureLine(text)}`;
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
    return this.tree.root(size);
  }

  inclusionProof(index: number, size: number): Buffer[] {
    return this.tree.inclusionProof(index, size);
  }

  consistencyProof(from: number, to: number): Buffer[] {
    return this.tree.consistencyProof(from, to);
  }

  /** The leaf of the event at `position`, or undefined when the log does not cover it. */
  leafIndexOf(position: bigint): number | undefined {
    if (position > this.lastPos || position < 0n) return undefined;
    const edgeTile = Math.floor(this.tree.size / TILE_WIDTH);
    let tile: number;
    let row: EntryRow;
    if (this.edge.positions.length > 0 && position >= this.edge.positions[0]!) {
      tile = edgeTile;
      row = this.edge;
    } else {
      const pending = this.fullEntryTiles.findLast(([, r]) => r.positions[0]! <= position);
      if (pending) [tile, row] = pending;
      else {
        const found = this.stmt.entryTileAt.get(position) as bigint | undefined;
        if (found === undefined) return undefined;
        tile = Number(found);
        row = this.readEntryRow(tile);
      }
    }
    let lo = 0;
    let hi = row.positions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = row.positions[mid]!;
      if (p === position) return tile * TILE_WIDTH + mid;
      if (p < position) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** What the log holds of leaf `index`. */
  entry(index: number): LogEntry | undefined {
    if (!(index >= 0 && index < this.tree.size)) return undefined;
    const row = this.entryRowOf(Math.floor(index / TILE_WIDTH));
    const i = index % TILE_WIDTH;
    return { position: row.positions[i]!, hash: row.hashes[i]!, streamId: row.streams[i]![0], revision: BigInt(row.streams[i]![1]) };
  }

  /** Leaf entries in order from `from`, a tile row at a time (for a pass over the whole log). */
  *entries(from = 0): Generator<LogEntry & { index: number }> {
    for (let index = from; index < this.tree.size; ) {
      const tile = Math.floor(index / TILE_WIDTH);
      const row = this.entryRowOf(tile);
      for (let i = index % TILE_WIDTH; i < row.positions.length; i++, index++) {
        yield { index, position: row.positions[i]!, hash: row.hashes[i]!, streamId: row.streams[i]![0], revision: BigInt(row.streams[i]![1]) };
      }
    }
  }

  /** A tlog-tiles hash tile. */
  tile(level: number, index: number, width: number): Buffer | undefined {
    return this.tree.tile(level, index, width);
  }

  /** A tlog-tiles entry bundle: each entry (the event's 32-byte hash) with its big-endian 16-bit length. */
  entryBundle(index: number, width: number): Buffer | undefined {
    if (index * TILE_WIDTH + width > this.tree.size) return undefined;
    const row = this.entryRowOf(index);
    const out = Buffer.alloc(width * (2 + HASH_SIZE));
    for (let i = 0; i < width; i++) {
      out.writeUInt16BE(HASH_SIZE, i * (2 + HASH_SIZE));
      out.write(row.hashes[i]!, i * (2 + HASH_SIZE) + 2, HASH_SIZE, 'hex');
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.readonly) this.commit();
    this.db.close();
  }

  private entryRowOf(tile: number): EntryRow {
    if (tile === Math.floor(this.tree.size / TILE_WIDTH)) return this.edge;
    const pending = this.fullEntryTiles.find(([t]) => t === tile);
    return pending ? pending[1] : this.readEntryRow(tile);
  }

  private readEntryRow(tile: number): EntryRow {
    const raw = this.stmt.entryRow.get(tile) as [Buffer, Buffer, string] | undefined;
    if (!raw) throw new Error(`the log's entry tile ${tile} is missing`);
    const [positions, hashes, streams] = raw;
    const row: EntryRow = { positions: [], hashes: [], streams: JSON.parse(streams) as [string, number][] };
    const hex = hashes.toString('hex');
    for (let i = 0; i < positions.length / 8; i++) {
      row.positions.push(positions.readBigInt64BE(i * 8));
      row.hashes.push(hex.slice(i * 2 * HASH_SIZE, (i + 1) * 2 * HASH_SIZE));
    }
    return row;
  }

  private putEntryRow(tile: number, row: EntryRow): void {
    const positions = Buffer.alloc(row.positions.length * 8);
    row.positions.forEach((p, i) => positions.writeBigInt64BE(p, i * 8));
    this.stmt.putEntries.run(tile, row.positions[0]!, positions, Buffer.from(row.hashes.join(''), 'hex'), JSON.stringify(row.streams));
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
