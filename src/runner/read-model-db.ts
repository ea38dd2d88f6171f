import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS persons (person_id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS person_years (
  person_id TEXT NOT NULL, year INTEGER NOT NULL, jurisdiction TEXT NOT NULL, employer_id TEXT NOT NULL,
  title_level TEXT NOT NULL, compliant INTEGER NOT NULL,
  counted_public REAL NOT NULL, counted_professional REAL NOT NULL, counted_elective REAL NOT NULL, counted_total REAL NOT NULL,
  certificate_no TEXT, certificate_status TEXT, evaluation TEXT NOT NULL,
  PRIMARY KEY (person_id, year)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS person_years_report ON person_years (jurisdiction, year);
CREATE TABLE IF NOT EXISTS course_persons (course_id TEXT NOT NULL, person_id TEXT NOT NULL, PRIMARY KEY (course_id, person_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS certificates (certificate_no TEXT PRIMARY KEY, person_id TEXT NOT NULL, year INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS verifications (certificate_no TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID;
`;

/**
 * The read-model database: derived data only, rebuilt from the events at will. Written by the
 * runner alone, in one transaction per batch together with the checkpoint. Durability is relaxed
 * (synchronous=NORMAL): a crash can lose the last batches, never half of one, and the runner then
 * replays them from the checkpoint.
 */
export function openReadModelDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.exec(SCHEMA);
  return db;
}
