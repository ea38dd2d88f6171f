import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

/**
 * The log's own file, apart from the events: the tree's tiles, the entries (each leaf's event
 * position, hash and stream), the signed checkpoints and the witnesses' cosignatures.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (tile INTEGER PRIMARY KEY, first_position INTEGER NOT NULL, positions BLOB NOT NULL, hashes BLOB NOT NULL, streams TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_first_position ON entries (first_position);
CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL, signed_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL, time INTEGER NOT NULL, PRIMARY KEY (size, witness)) WITHOUT ROWID;
`;

const VERSION = 1;

/**
 * WAL with synchronous=NORMAL, checkpoints included: everything here is derived from the events
 * (durable in their own file) and the key, so a power cut that loses the last commits is made good by
 * folding those events again. No fsync of this file runs in the server's thread, where appends
 * would wait on it.
 */
export function openLogDb(file: string, options: { bulk?: boolean } = {}): Db {
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
  db.exec(SCHEMA);
  db.pragma(`user_version = ${VERSION}`);
  return db;
}
