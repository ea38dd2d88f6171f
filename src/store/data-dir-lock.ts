import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';

/** Another process owns the data dir; `holder` is what it wrote about itself, when it could be read. */
export class DataDirLocked extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; command: string; since: string } | undefined,
  ) {
    const who = holder ? `\`ledger ${holder.command}\` (PID ${holder.pid}, since ${holder.since})` : 'another process (its PID is not written yet)';
    super(`the data dir ${dataDir} is in use by ${who}: stop it first, or give another --data-dir`);
    this.name = 'DataDirLocked';
  }
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'lock.db';
const OWNER_FILE = 'lock.owner';

/**
 * Makes this process the one owner of a data dir. The lock is SQLite's exclusive file lock on
 * `lock.db` (a POSIX record lock), held as long as the connection is open: the kernel drops it when
 * the process ends however it ends, kill -9 included, so a lock is never stale. The holder's PID is
 * in `lock.owner`, for the message of whoever is refused.
 */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const db: Db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; in EXCLUSIVE locking mode it is kept after commit.
    db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER); DELETE FROM owner;');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirLocked(dataDir, readOwner(dataDir));
    throw err;
  }
  const ownerFile = join(dataDir, OWNER_FILE);
  writeFileSync(ownerFile, `${JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() })}\n`);
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      rmSync(ownerFile, { force: true });
      db.close();
    },
  };
}

function readOwner(dataDir: string): DataDirLocked['holder'] {
  try {
    const o = JSON.parse(readFileSync(join(dataDir, OWNER_FILE), 'utf8')) as { pid?: unknown; command?: unknown; since?: unknown };
    return typeof o.pid === 'number' ? { pid: o.pid, command: String(o.command), since: String(o.since) } : undefined;
  } catch {
    return undefined;
  }
}
