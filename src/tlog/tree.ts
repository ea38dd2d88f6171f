import { EMPTY_ROOT, nodeHash, splitPoint } from './hashing.js';
import { leafInto } from './sha256.js';
import { nodeInto } from './sha256.js';
import { extendInterior, INTERIOR_BYTES, rowStart, STORED_FROM_HEIGHT, STORED_TILE_BYTES, storedTile } from './tile-hash.js';
import { HASH_SIZE, TILE_HEIGHT, TILE_WIDTH } from './tiles.js';

/** Where full tiles are read from once they have been persisted. */
export interface TileReader {
  /** Tile `index` of tile level `level` as `takeDirty` gave it; undefined when not stored. */
  readTile(level: number, index: number): Buffer | undefined;
}

export interface DirtyTile {
  level: number;
  index: number;
  /** A partial tile's hashes; a full tile's 256, then its interior rows from STORED_FROM_HEIGHT up. */
  hashes: Buffer;
}

/**
 * Full tiles above level 0 whose interiors are kept computed, 16 KiB each: they are few (one per
 * 65,536 leaves) and every proof reads them. A level-0 tile is read as stored for each proof:
 * random leaves would only churn a cache of them.
 */
const INTERIOR_CACHE = 1_024;

/** Hashes at tree level 8·t that exist for a tree of `size` leaves. */
const countAt = (size: number, t: number): number => Math.floor(size / TILE_WIDTH ** t);

/**
 * The partial tile of one tile level, in a buffer big enough for the full tile's interior: the
 * interior over its first `hashed` hashes is kept as proofs need it, and when the 256th hash lands
 * the rest is hashed in place and the buffer becomes the full tile.
 */
interface Edge {
  buf: Buffer;
  width: number;
  hashed: number;
}

const newEdge = (): Edge => ({ buf: Buffer.allocUnsafe(INTERIOR_BYTES), width: 0, hashed: 0 });

/**
 * The RFC 9162 Merkle tree over the log's entries, stored as C2SP tiles: the hashes at tree levels
 * 0, 8, 16, … in rows of 256. Appending a leaf touches only the right edge (the partial tile of each
 * tile level), in memory; the tiles an append filled or changed are handed out by `takeDirty` to be
 * persisted. Any node of a tree of any size up to the current one is computed from at most one tile
 * per eight levels, which keeps proofs cheap at any size.
 */
export class MerkleTree {
  private sizeNow: number;
  /** edges[t]: the hashes of tile level t's partial (rightmost, not full) tile. */
  private readonly edges: Edge[];
  /** Full tiles made since the last takeDirty, by `level/index`. */
  private readonly fullDirty = new Map<string, Buffer>();
  private readonly edgeDirty = new Set<number>();
  private readonly interiors = new Map<string, Buffer>();
  /** Two rows of up to 128 hashes, to hash a perfect subtree of a stored tile below the heights it keeps. */
  /** The level-0 tile read last: a proof reads up to 8 nodes of one (a full tile never changes). */
  private lastRead: { index: number; tile: Buffer } = { index: -1, tile: Buffer.alloc(0) };
  private readonly rows = [Buffer.allocUnsafe((TILE_WIDTH / 2) * HASH_SIZE), Buffer.allocUnsafe((TILE_WIDTH / 2) * HASH_SIZE)] as const;

  private constructor(
    private readonly reader: TileReader,
    size: number,
    edges: Edge[],
  ) {
    this.sizeNow = size;
    this.edges = edges;
  }

  /** A tree of `size` leaves whose tiles `reader` holds (the edge tiles included). */
  static load(reader: TileReader, size: number): MerkleTree {
    const edges: Edge[] = [];
    for (let t = 0; countAt(size, t) > 0; t++) {
      const count = countAt(size, t);
      const edge = newEdge();
      edge.width = count % TILE_WIDTH;
      if (edge.width > 0) {
        const tile = reader.readTile(t, Math.floor(count / TILE_WIDTH));
        if (!tile || tile.length < edge.width * HASH_SIZE) throw new Error(`the log's tile ${t}/${Math.floor(count / TILE_WIDTH)} is missing or short`);
        tile.copy(edge.buf, 0, 0, edge.width * HASH_SIZE);
      }
      edges.push(edge);
    }
    return new MerkleTree(reader, size, edges);
  }

  get size(): number {
    return this.sizeNow;
  }

  append(leaf: Buffer): void {
    const edge = (this.edges[0] ??= newEdge());
    leaf.copy(edge.buf, edge.width * HASH_SIZE, 0, HASH_SIZE);
    this.landed();
  }

  /** Appends the leaf of a 32-byte entry at `entries[offset..]`: hashed straight into the edge tile. */
  appendEntry(entries: Uint8Array, offset: number): void {
    const edge = (this.edges[0] ??= newEdge());
    leafInto(entries, offset, edge.buf, edge.width * HASH_SIZE);
    this.landed();
  }

  /**
   * Appends a whole level-0 tile hashed elsewhere (a TileHasher's): its 256 leaves and interior, as
   * `hashInterior` lays them out. The tree must stand at a tile boundary.
   */
  appendHashedTile(interior: Uint8Array): void {
    if (this.sizeNow % TILE_WIDTH !== 0 || interior.length !== INTERIOR_BYTES) throw new RangeError(`a hashed tile cannot be appended to a tree of ${this.sizeNow}`);
    const edge = (this.edges[0] ??= newEdge());
    edge.buf.set(interior);
    edge.width = TILE_WIDTH - 1;
    edge.hashed = TILE_WIDTH;
    this.sizeNow += TILE_WIDTH - 1;
    this.landed();
  }

  /** A hash was written at the level-0 edge's width: counts it, and carries each tile it fills upwards. */
  private landed(): void {
    for (let t = 0; ; t++) {
      const edge = this.edges[t]!;
      edge.width++;
      this.edgeDirty.add(t);
      if (edge.width < TILE_WIDTH) break;
      const index = countAt(this.sizeNow + 1, t) / TILE_WIDTH - 1;
      extendInterior(edge.buf, 0, edge.hashed, TILE_WIDTH);
      this.fullDirty.set(`${t}/${index}`, storedTile(edge.buf));
      if (t > 0) this.cacheInterior(`${t}/${index}`, edge.buf);
      this.edges[t] = newEdge();
      const above = (this.edges[t + 1] ??= newEdge());
      edge.buf.copy(above.buf, above.width * HASH_SIZE, INTERIOR_BYTES - HASH_SIZE, INTERIOR_BYTES);
    }
    this.sizeNow++;
  }

  /** Tiles changed since the last call: each full tile once, and the current partial edge tiles. */
  takeDirty(): DirtyTile[] {
    const out: DirtyTile[] = [];
    for (const [key, hashes] of this.fullDirty) {
      const [level, index] = key.split('/').map(Number) as [number, number];
      out.push({ level, index, hashes });
    }
    for (const t of this.edgeDirty) {
      const edge = this.edges[t]!;
      if (edge.width > 0) out.push({ level: t, index: Math.floor(countAt(this.sizeNow, t) / TILE_WIDTH), hashes: Buffer.from(edge.buf.subarray(0, edge.width * HASH_SIZE)) });
    }
    this.fullDirty.clear();
    this.edgeDirty.clear();
    return out;
  }

  /** The hashes of a tile as the tlog-tiles layout serves it: `width` first hashes of tile level `level`. */
  tile(level: number, index: number, width: number): Buffer | undefined {
    const count = countAt(this.sizeNow, level);
    if (index * TILE_WIDTH + width > count) return undefined;
    if (index === Math.floor(count / TILE_WIDTH)) return Buffer.from(this.edges[level]!.buf.subarray(0, width * HASH_SIZE));
    return this.fullTile(level, index).subarray(0, width * HASH_SIZE);
  }

  /** MTH of the first `size` leaves. */
  root(size: number = this.sizeNow): Buffer {
    this.assertSize(size);
    return size === 0 ? EMPTY_ROOT : this.subtree(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
  inclusionProof(index: number, size: number): Buffer[] {
    this.assertSize(size);
    if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const proof: Buffer[] = [];
    const path = (m: number, start: number, n: number): void => {
      if (n === 1) return;
      const k = splitPoint(n);
      if (m < k) {
        path(m, start, k);
        proof.push(this.subtree(start + k, start + n));
      } else {
        path(m - k, start + k, n - k);
        proof.push(this.subtree(start, start + k));
      }
    };
    path(index, 0, size);
    return proof;
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]); empty when m is 0 or m = n. */
  consistencyProof(m: number, n: number): Buffer[] {
    this.assertSize(n);
    if (!(m >= 0 && m <= n)) throw new RangeError(`a tree of ${m} cannot precede one of ${n}`);
    const proof: Buffer[] = [];
    if (m === 0 || m === n) return proof;
    const sub = (mm: number, start: number, nn: number, whole: boolean): void => {
      if (mm === nn) {
        if (!whole) proof.push(this.subtree(start, start + nn));
        return;
      }
      const k = splitPoint(nn);
      if (mm <= k) {
        sub(mm, start, k, whole);
        proof.push(this.subtree(start + k, start + nn));
      } else {
        sub(mm - k, start + k, nn - k, false);
        proof.push(this.subtree(start, start + k));
      }
    };
    sub(m, 0, n, true);
    return proof;
  }

  /** MTH of leaves [start, end): perfect aligned subtrees come from tiles, the rest is split as the RFC does. */
  private subtree(start: number, end: number): Buffer {
    const n = end - start;
    if ((n & (n - 1)) === 0 && start % n === 0) return this.node(Math.log2(n), start / n);
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, start + k), this.subtree(start + k, end));
  }

  /** The perfect subtree at `level` (0 = leaves) number `index`. */
  private node(level: number, index: number): Buffer {
    const t = Math.floor(level / TILE_HEIGHT);
    const r = level % TILE_HEIGHT;
    const first = index * 2 ** r;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const edgeIndex = Math.floor(countAt(this.sizeNow, t) / TILE_WIDTH);
    const j = (first % TILE_WIDTH) / 2 ** r;
    let interior: Buffer;
    if (tileIndex === edgeIndex) {
      const edge = this.edges[t]!;
      if (edge.hashed < edge.width) {
        extendInterior(edge.buf, 0, edge.hashed, edge.width);
        edge.hashed = edge.width;
      }
      interior = edge.buf;
    } else if (t === 0) return this.storedNode(tileIndex, r, j);
    else interior = this.interior(t, tileIndex);
    const at = rowStart(r) + j;
    // A copy: the buffer it lies in is replaced by later appends, or evicted.
    return Buffer.from(interior.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE));
  }

  /** Node `j` at height `r` of the full level-0 tile `index`: read where the tile keeps it, else hashed from its leaves. */
  private storedNode(index: number, r: number, j: number): Buffer {
    if (this.lastRead.index !== index) this.lastRead = { index, tile: this.fullTile(0, index) };
    const tile = this.lastRead.tile;
    if (r === 0 || (r >= STORED_FROM_HEIGHT && tile.length === STORED_TILE_BYTES)) {
      const at = r === 0 ? j : TILE_WIDTH + rowStart(r) - rowStart(STORED_FROM_HEIGHT) + j;
      return Buffer.from(tile.subarray(at * HASH_SIZE, (at + 1) * HASH_SIZE));
    }
    // Row by row from the subtree's 2^r leaves, between two buffers (a node is never hashed onto its children).
    let [from, to] = this.rows;
    let width = 2 ** r;
    for (let i = 0; i < width; i += 2) nodeInto(tile, (j * 2 ** r + i) * HASH_SIZE, tile, (j * 2 ** r + i + 1) * HASH_SIZE, to, (i / 2) * HASH_SIZE);
    for (width /= 2; width > 1; width /= 2) {
      [from, to] = [to, from];
      for (let i = 0; i < width; i += 2) nodeInto(from, i * HASH_SIZE, from, (i + 1) * HASH_SIZE, to, (i / 2) * HASH_SIZE);
    }
    return Buffer.from(to.subarray(0, HASH_SIZE));
  }

  /** A full tile: its 256 hashes first, then whatever interior it holds (one stored by v1 of the log's file holds none). */
  private fullTile(level: number, index: number): Buffer {
    const key = `${level}/${index}`;
    const cached = this.interiors.get(key) ?? this.fullDirty.get(key);
    if (cached) return cached;
    const tile = this.reader.readTile(level, index);
    if (!tile || (tile.length !== STORED_TILE_BYTES && tile.length !== TILE_WIDTH * HASH_SIZE)) throw new Error(`the log's tile ${key} is missing or not full`);
    return tile;
  }

  private interior(level: number, index: number): Buffer {
    const key = `${level}/${index}`;
    const cached = this.interiors.get(key);
    if (cached) {
      this.interiors.delete(key);
      this.interiors.set(key, cached);
      return cached;
    }
    const interior = Buffer.allocUnsafe(INTERIOR_BYTES);
    this.fullTile(level, index).copy(interior, 0, 0, TILE_WIDTH * HASH_SIZE);
    extendInterior(interior, 0, 0, TILE_WIDTH);
    this.cacheInterior(key, interior);
    return interior;
  }

  private cacheInterior(key: string, interior: Buffer): void {
    if (this.interiors.size >= INTERIOR_CACHE) this.interiors.delete(this.interiors.keys().next().value!);
    this.interiors.set(key, interior);
  }

  private assertSize(size: number): void {
    if (!(Number.isSafeInteger(size) && size >= 0 && size <= this.sizeNow)) throw new RangeError(`the log has ${this.sizeNow} leaves, not ${size}`);
  }
}
