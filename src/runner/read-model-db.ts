import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { AnyProjection } from '../../projections/define.js';

/** Bumped when the runner's own tables change shape: an older file is then dropped whole. */
const RUNNER_SCHEMA_VERSION = 5;

const RUNNER_SCHEMA = `
CREATE TABLE IF NOT EXISTS projections (name TEXT PRIMARY KEY, version INTEGER NOT NULL, position TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unsynced (id INTEGER PRIMARY KEY CHECK (id = 1));
`;

/** Every table a projection owns: its own and those of its documents. */
export function tablesOf(p: AnyProjection): string[] {
  return [...p.tables, ...Object.values(p.documents ?? {})];
}

function documentTables(p: AnyProjection): string {
  return Object.values(p.documents ?? {})
    .map((t) => `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, doc TEXT NOT NULL);`)
    .join('\n');
}

function dropAll(db: Db): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  for (const t of tables) db.exec(`DROP TABLE IF EXISTS "${t}"`);
}

/** Drops a projection's tables and forgets its checkpoint: it is folded again from the start. */
function resetProjection(db: Db, p: AnyProjection): void {
  for (const t of [...tablesOf(p), ...(p.retiredTables ?? [])]) db.exec(`DROP TABLE IF EXISTS ${t}`);
  db.exec(p.schema);
  db.exec(documentTables(p));
  db.prepare('INSERT OR REPLACE INTO projections (name, version, position) VALUES (?, ?, ?)').run(p.name, p.version, '-1');
}

export interface OpenOptions {
  /** Projections to fold again from the start (`ledger rebuild --projection NAME`). */
  reset?: readonly string[];
}

/**
 * The read-model database: derived data only, rebuilt from the events at will. Written by the
 * runner alone, in one transaction per batch together with every projection's checkpoint.
 * A projection whose version differs from the one its tables were built by is dropped and folded
 * again alone. Durability is relaxed (synchronous=NORMAL): a crash can lose the last batches, never
 * half of one, and the runner then replays them from the checkpoints.
 */
export function openReadModelDb(file: string, projections: readonly AnyProjection[], options: OpenOptions = {}): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) === RUNNER_SCHEMA_VERSION;
  const interrupted = current && db.prepare('SELECT 1 FROM unsynced').get() !== undefined;
  db.transaction(() => {
    if (!current || interrupted) {
      dropAll(db);
      db.pragma(`user_version = ${RUNNER_SCHEMA_VERSION}`);
    }
    db.exec(RUNNER_SCHEMA);
    const versions = new Map(
      (db.prepare('SELECT name, version FROM projections').all() as { name: string; version: number }[]).map((r) => [r.name, r.version]),
    );
    for (const p of projections) {
      if (versions.get(p.name) !== p.version || options.reset?.includes(p.name)) resetProjection(db, p);
      // All IF NOT EXISTS: an index a catch-up dropped and did not get to build again comes back.
      else db.exec(p.schema);
    }
  })();
  return db;
}

/** Each projection's committed position (-1n before any event). */
export function checkpoints(db: Db): Map<string, bigint> {
  const rows = db.prepare('SELECT name, position FROM projections').all() as { name: string; position: string }[];
  return new Map(rows.map((r) => [r.name, BigInt(r.position)]));
}

/**
 * A bulk catch-up writes without fsync (synchronous=OFF): the marker row is made durable first and
 * removed, durably, once everything is synced. A machine crash in between leaves the marker, and
 * the next open starts the read models over instead of trusting a file that may be torn.
 */
export function beginUnsynced(db: Db): void {
  db.pragma('synchronous = FULL');
  db.prepare('INSERT OR IGNORE INTO unsynced (id) VALUES (1)').run();
  db.pragma('synchronous = OFF');
}

export function endUnsynced(db: Db): void {
  db.pragma('synchronous = FULL');
  db.pragma('wal_checkpoint(FULL)');
  db.prepare('DELETE FROM unsynced').run();
  db.pragma('synchronous = NORMAL');
}

/** Removes the read-model database and its WAL files. */
export function dropReadModels(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}
