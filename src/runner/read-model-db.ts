import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

/** Bumped whenever a table changes shape: an older read-model file is then dropped and rebuilt. */
const SCHEMA_VERSION = 4;

const TABLES = ['checkpoint', 'registry', 'persons', 'person_years', 'course_persons', 'certificates', 'verifications', 'unsynced'];

// persons keeps its rowid: its rows are kilobytes of JSON, which a WITHOUT ROWID b-tree packs badly
// (measured 2.8× the bytes and a third slower to rebuild). person_years holds the figures reports
// and lists need; the full explanation is evaluated from the person's record when asked for, which
// costs a read less than it costs a rebuild to store it.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS persons (person_id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS person_years (
  person_id TEXT NOT NULL, year INTEGER NOT NULL, jurisdiction TEXT NOT NULL, employer_id TEXT NOT NULL,
  title_level TEXT NOT NULL, compliant INTEGER NOT NULL,
  counted_public REAL NOT NULL, counted_professional REAL NOT NULL, counted_elective REAL NOT NULL, counted_total REAL NOT NULL,
  certificate_no TEXT, certificate_status TEXT,
  PRIMARY KEY (person_id, year)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_years_report ON person_years (jurisdiction, year);
CREATE TABLE IF NOT EXISTS course_persons (course_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (course_id, person_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS certificates (certificate_no TEXT PRIMARY KEY, person_id TEXT NOT NULL, year INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verifications (certificate_no TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS unsynced (id INTEGER PRIMARY KEY CHECK (id = 1));
`;

/**
 * The read-model database: derived data only, rebuilt from the events at will. Written by the
 * projector alone, in one transaction per batch together with the checkpoint. Durability is relaxed
 * (synchronous=NORMAL): a crash can lose the last batches, never half of one, and the runner then
 * replays them from the checkpoint.
 */
export function openReadModelDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('busy_timeout = 5000');
  const current = db.pragma('user_version', { simple: true }) === SCHEMA_VERSION;
  const interrupted = current && db.prepare('SELECT 1 FROM unsynced').get() !== undefined;
  if (!current || interrupted) {
    db.transaction(() => {
      for (const table of TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }
  return db;
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
