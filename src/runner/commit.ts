import type { Database as Db, Statement } from 'better-sqlite3';
import type { AnyProjection, StatementDef } from '../../projections/define.js';

/** The SQL a batch's writes need, as plain data: the writer thread builds its statements from it. */
export type CommitPlan = Record<string, { documents: Record<string, string>; statements: Record<string, StatementDef> }>;

export function commitPlan(projections: readonly AnyProjection[]): CommitPlan {
  return Object.fromEntries(projections.map((p) => [p.name, { documents: { ...(p.documents ?? {}) }, statements: { ...(p.statements ?? {}) } }]));
}

/** One projection's part of a batch, serialised: documents as JSON text. */
export interface SerialisedWrites {
  docs: [collection: string, key: string, json: string][];
  rows: Record<string, unknown[][]>;
}

/** Everything one batch changes, for every projection, with each projection's new checkpoint. */
export interface BatchWrites {
  projections: [name: string, writes: SerialisedWrites][];
  checkpoints: [name: string, position: string][];
}

function runRows(db: Db, def: StatementDef, rows: unknown[][], cache: Map<string, Statement>): void {
  const prepare = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  if (typeof def === 'string') {
    const s = prepare(def);
    for (const row of rows) s.run(row);
    return;
  }
  const tuple = `(${Array(def.columns).fill('?').join(', ')})`;
  const one = prepare(`${def.insert} VALUES ${tuple}`);
  const many = prepare(`${def.insert} VALUES ${Array(def.rowsPerCall).fill(tuple).join(', ')}`);
  let i = 0;
  for (; i + def.rowsPerCall <= rows.length; i += def.rowsPerCall) many.run(rows.slice(i, i + def.rowsPerCall).flat());
  for (; i < rows.length; i++) one.run(rows[i]);
}

/** Commits a batch's writes and checkpoints in one transaction: all of a batch or none of it. */
export function batchWriter(db: Db, plan: CommitPlan): (w: BatchWrites) => void {
  const cache = new Map<string, Statement>();
  const docStmt = new Map<string, Statement>();
  const checkpoint = db.prepare('UPDATE projections SET position = ? WHERE name = ?');
  return db.transaction((w: BatchWrites) => {
    for (const [name, writes] of w.projections) {
      const p = plan[name]!;
      for (const [collection, key, json] of writes.docs) {
        const table = p.documents[collection]!;
        let s = docStmt.get(table);
        if (!s) docStmt.set(table, (s = db.prepare(`INSERT OR REPLACE INTO ${table} (id, doc) VALUES (?, ?)`)));
        s.run(key, json);
      }
      // In the order the projection declared them, so a statement may rely on an earlier one's rows.
      for (const [stmt, def] of Object.entries(p.statements)) {
        const rows = writes.rows[stmt];
        if (rows && rows.length > 0) runRows(db, def, rows, cache);
      }
    }
    for (const [name, position] of w.checkpoints) checkpoint.run(position, name);
  });
}
