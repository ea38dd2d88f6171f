import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { hashInterior, INTERIOR_BYTES, storedTile } from './tile-hash.js';
import { HASH_SIZE, TILE_WIDTH } from './tiles.js';

/**
 * The log's own file, apart from the events: the tree's tiles, the entries (each leaf's event
 * position, hash and stream), the signed checkpoints and the witnesses' cosignatures.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (tile INTEGER PRIMARY KEY, first_position INTEGER NOT NULL, positions BLOB NOT NULL, hashes BLOB NOT NULL, streams TEXT NOT NULL, revisions BLOB);
CREATE INDEX IF NOT EXISTS entries_first_position ON entries (first_position);
CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (size, witness)) WITHOUT ROWID;
`;

/**
 * v2: a full tile keeps its upper interior rows after its hashes (see STORED_FROM_HEIGHT). v3: an
 * entry row's streams are a JSON array of ids and its revisions a BLOB of big-endian int64 (JSON of
 * [id, revision] tuples cost a rebuild's thread more than the rest of keeping an entry); a row of v2
 * (revisions NULL) is read as it was written.
 */
const VERSION = 3;

/**
 * WAL with synchronous=NORMAL, checkpoints included: everything here is derived from the events
 * (durable in their own file) and the key, so a power cut that loses the last commits is made good by
 * folding those events again. No fsync of this file runs in the server's thread, where appends
 * would wait on it.
 */
export function openLogDb(file: string, options: { bulk?: boolean; readonly?: boolean } = {}): Db {
  const db = new Database(file);
  if (options.bulk) {
    // A file folded in bulk and put in place only once finished (LogRebuild): one that a crash
    // interrupts is thrown away, so it is written without a journal and synced once, on close.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
  } else {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > VERSION) throw new Error(`log database schema v${version} is newer than this build understands (v${VERSION})`);
  // A checker beside a running server changes nothing: the tree reads tiles of either version.
  if (options.readonly) return db;
  db.exec(SCHEMA);
  if (version === 1) db.transaction(() => upgradeTiles(db))();
  if (!hasRevisions(db)) db.exec('ALTER TABLE entries ADD COLUMN revisions BLOB');
  db.pragma(`user_version = ${VERSION}`);
  return db;
}

/** v1 → v2, once, at the first start of this build: each full tile gets its interior rows. */
function upgradeTiles(db: Db): void {
  const put = db.prepare('UPDATE tiles SET hashes = ? WHERE level = ? AND idx = ?');
  // A thousand at a time: an upgraded tile no longer matches, and memory holds one page of them.
  const page = db.prepare('SELECT level, idx, hashes FROM tiles WHERE length(hashes) = ? LIMIT 1000').raw(true);
  const interior = Buffer.allocUnsafe(INTERIOR_BYTES);
  for (let rows = page.all(TILE_WIDTH * HASH_SIZE) as [number, number, Buffer][]; rows.length > 0; rows = page.all(TILE_WIDTH * HASH_SIZE) as [number, number, Buffer][]) {
    for (const [level, idx, hashes] of rows) {
      hashes.copy(interior);
      hashInterior(interior);
      put.run(storedTile(interior), level, idx);
    }
  }
}

/** Whether the entries table has v3's revisions column. */
function hasRevisions(db: Db): boolean {
  return (db.pragma('table_info(entries)') as { name: string }[]).some((c) => c.name === 'revisions');
}
