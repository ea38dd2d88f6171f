import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import Database from 'better-sqlite3';
import type { ChainVerdict } from '../store/port.js';
import { SqliteEventStore } from '../store/sqlite/sqlite-store.js';

const FORMAT = 'celedger-backup-1';
/** What a backup carries besides the event store; the rest of a data dir is rebuilt from the events. */
const FILE_DIRS = ['secrets', 'keys'];

export interface BackupSummary {
  file: string;
  events: number;
  streams: number;
  headPosition: string;
  files: string[];
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

async function verifyChains(file: string): Promise<ChainVerdict> {
  const store = SqliteEventStore.open({ file });
  try {
    return await store.verifyAll();
  } finally {
    await store.close();
  }
}

/** A database file that stands alone (no -wal beside it), as a backup or a restored store must start. */
function selfContained(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = DELETE');
  db.close();
}

function brokenSentence(v: Extract<ChainVerdict, { ok: false }>): string {
  return `stream ${v.broken.streamId} revision ${v.broken.revision} (position ${v.broken.position}): ${v.broken.reason}`;
}

/**
 * Writes one file holding the event store (SQLite's online backup, so a serving ledger keeps
 * writing meanwhile), the secrets and the signing keys, then re-reads every hash chain of the copy
 * before the file takes its name. Mode 0600: it holds the pepper and the keys.
 */
export async function backupDataDir(dataDir: string, out: string): Promise<BackupSummary> {
  const source = join(dataDir, 'events.db');
  if (!existsSync(source)) throw new BackupError(`no event store at ${source}`);
  if (existsSync(out)) throw new BackupError(`${out} exists already; a backup never overwrites a file`);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.partial`;
  rmSync(tmp, { force: true });
  try {
    const src = new Database(source, { readonly: true, fileMustExist: true });
    try {
      await src.backup(tmp);
    } finally {
      src.close();
    }
    selfContained(tmp);
    const db = new Database(tmp);
    const files: string[] = [];
    let events = 0;
    let head = '0';
    try {
      db.exec('CREATE TABLE backup_info (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE backup_files (path TEXT PRIMARY KEY, mode INTEGER NOT NULL, content BLOB NOT NULL);');
      const row = db.prepare('SELECT count(*) AS n, coalesce(max(position), 0) AS head FROM events').get() as { n: number; head: number | bigint };
      events = row.n;
      head = String(row.head);
      const put = db.prepare('INSERT INTO backup_files (path, mode, content) VALUES (?, ?, ?)');
      for (const d of FILE_DIRS) {
        const abs = join(dataDir, d);
        if (!existsSync(abs)) continue;
        for (const f of readdirSync(abs).sort()) {
          const p = join(abs, f);
          const st = statSync(p);
          if (!st.isFile() || f.endsWith('.tmp')) continue;
          put.run(`${d}/${f}`, st.mode & 0o777, readFileSync(p));
          files.push(`${d}/${f}`);
        }
      }
      const info = db.prepare('INSERT INTO backup_info (key, value) VALUES (?, ?)');
      for (const [k, v] of [['format', FORMAT], ['createdAt', new Date().toISOString()], ['events', String(events)], ['headPosition', head]]) info.run(k, v);
    } finally {
      db.close();
    }
    const verdict = await verifyChains(tmp);
    if (!verdict.ok) throw new BackupError(`the copy does not verify: ${brokenSentence(verdict)}`);
    if (verdict.events !== events) throw new BackupError(`the copy holds ${verdict.events} events, not ${events}`);
    selfContained(tmp);
    chmodSync(tmp, 0o600);
    renameSync(tmp, out);
    return { file: out, events, streams: verdict.streams, headPosition: head, files };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
  }
}

/**
 * Makes a new data dir from a backup: the event store, the secrets and the keys, every chain
 * re-checked before the store takes its name. The read models are rebuilt by the first start.
 * Refuses a data dir that already holds a store or secrets: a restore never mixes two ledgers.
 */
export async function restoreDataDir(backup: string, dataDir: string): Promise<BackupSummary> {
  if (!existsSync(backup)) throw new BackupError(`no backup at ${backup}`);
  const target = join(dataDir, 'events.db');
  for (const taken of [target, join(dataDir, 'secrets', 'jwt-key'), join(dataDir, 'secrets', 'id-pepper'), join(dataDir, 'keys', 'current')]) {
    if (existsSync(taken)) throw new BackupError(`${taken} exists: restore into a new, empty data dir`);
  }
  mkdirSync(dataDir, { recursive: true });
  const tmp = join(dataDir, `events.db.${process.pid}.restoring`);
  copyFileSync(backup, tmp);
  try {
    const db = new Database(tmp);
    let events = 0;
    let head = '0';
    const files: string[] = [];
    try {
      const hasInfo = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('backup_info', 'backup_files')").get() as { n: number };
      if (hasInfo.n !== 2) throw new BackupError(`${backup} is not a celedger backup`);
      const info = Object.fromEntries((db.prepare('SELECT key, value FROM backup_info').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
      if (info.format !== FORMAT) throw new BackupError(`${backup} is a backup of format ${String(info.format)}, not ${FORMAT}`);
      events = Number(info.events);
      head = String(info.headPosition);
      for (const r of db.prepare('SELECT path, mode, content FROM backup_files ORDER BY path').all() as { path: string; mode: number; content: Buffer }[]) {
        const rel = normalize(r.path);
        const [top] = rel.split(sep);
        if (!FILE_DIRS.includes(top ?? '') || rel.includes('..')) throw new BackupError(`${backup} names a file outside secrets/ and keys/: ${r.path}`);
        mkdirSync(join(dataDir, top!), { recursive: true, mode: 0o700 });
        writeFileSync(join(dataDir, rel), r.content, { mode: r.mode, flag: 'wx' });
        chmodSync(join(dataDir, rel), r.mode);
        files.push(r.path);
      }
      db.exec('DROP TABLE backup_files; DROP TABLE backup_info;');
      db.exec('VACUUM');
    } finally {
      db.close();
    }
    const verdict = await verifyChains(tmp);
    if (!verdict.ok) throw new BackupError(`the backup does not verify: ${brokenSentence(verdict)}`);
    if (verdict.events !== events) throw new BackupError(`the backup holds ${verdict.events} events, not the ${events} it was made with`);
    selfContained(tmp);
    renameSync(tmp, target);
    return { file: target, events, streams: verdict.streams, headPosition: head, files };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
  }
}
