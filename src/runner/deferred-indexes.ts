import type { Database as Db } from 'better-sqlite3';

/** An index dropped for a bulk catch-up, with the statement that builds it again. */
export interface DeferredIndex {
  name: string;
  sql: string;
}

/**
 * Drops the secondary indexes of the tables still empty when a bulk catch-up starts, so that each
 * is built once, in order, at the end instead of being updated row by row in random key order.
 * Kept: unique indexes (an insert's conflict depends on them) and those named in `keep`, which a
 * projection's fold reads through. A crash before they are built again is covered twice: the
 * catch-up's unsynced marker starts the read models over, and every open runs the schemas, which
 * create any index missing.
 */
export function deferIndexes(db: Db, keep: ReadonlySet<string>): DeferredIndex[] {
  const indexes = db
    .prepare("SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    .all() as { name: string; tableName: string; sql: string }[];
  const empty = new Map<string, boolean>();
  const isEmpty = (table: string): boolean => {
    let e = empty.get(table);
    if (e === undefined) empty.set(table, (e = db.prepare(`SELECT 1 FROM "${table}" LIMIT 1`).get() === undefined));
    return e;
  };
  const deferred = indexes
    .filter((i) => !keep.has(i.name) && !/^CREATE\s+UNIQUE\b/i.test(i.sql) && isEmpty(i.tableName))
    .map(({ name, sql }) => ({ name, sql }));
  db.transaction(() => {
    for (const i of deferred) db.exec(`DROP INDEX "${i.name}"`);
  })();
  return deferred;
}

/** Builds the deferred indexes not there yet, in one transaction. */
export function buildIndexes(db: Db, deferred: readonly DeferredIndex[]): void {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
  db.transaction(() => {
    for (const i of deferred) if (exists.get(i.name) === undefined) db.exec(i.sql);
  })();
}
