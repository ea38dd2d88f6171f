import Database from 'better-sqlite3';
import type { Database as Db, Statement } from 'better-sqlite3';

export interface StoredResponse {
  bodyHash: string;
  status: number;
  body: string;
  etag?: string;
}

/**
 * First responses of requests sent with an Idempotency-Key, so a retry gets the same answer, even
 * after a restart. Keys are scoped by the caller (role and subject) so one client cannot replay
 * another's. Entries older than the retention are pruned at start-up.
 */
export class IdempotencyStore {
  private readonly db: Db;
  private readonly getStmt: Statement;
  private readonly putStmt: Statement;

  constructor(file: string, retentionDays = 7) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS responses (
      scope TEXT NOT NULL, key TEXT NOT NULL, body_hash TEXT NOT NULL, status INTEGER NOT NULL,
      body TEXT NOT NULL, etag TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (scope, key))`);
    this.db.prepare('DELETE FROM responses WHERE created_at < ?').run(Date.now() - retentionDays * 86_400_000);
    this.getStmt = this.db.prepare('SELECT body_hash AS bodyHash, status, body, etag FROM responses WHERE scope = ? AND key = ?');
    this.putStmt = this.db.prepare('INSERT OR IGNORE INTO responses (scope, key, body_hash, status, body, etag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * Runs `fn` once no other request with the same key is running in this process, so a retry sent
   * while the first attempt is still working waits for its answer and replays it instead of racing.
   */
  async exclusive<T>(scope: string, key: string, fn: () => Promise<T>): Promise<T> {
    const id = `${scope}\u0000${key}`;
    for (let running = this.inFlight.get(id); running; running = this.inFlight.get(id)) await running.catch(() => undefined);
    const p = fn();
    this.inFlight.set(id, p);
    try {
      return await p;
    } finally {
      if (this.inFlight.get(id) === p) this.inFlight.delete(id);
    }
  }

  get(scope: string, key: string): StoredResponse | undefined {
    const row = this.getStmt.get(scope, key) as (StoredResponse & { etag: string | null }) | undefined;
    if (!row) return undefined;
    return { bodyHash: row.bodyHash, status: row.status, body: row.body, ...(row.etag ? { etag: row.etag } : {}) };
  }

  put(scope: string, key: string, r: StoredResponse): void {
    this.putStmt.run(scope, key, r.bodyHash, r.status, r.body, r.etag ?? null, Date.now());
  }

  close(): void {
    this.db.close();
  }
}
