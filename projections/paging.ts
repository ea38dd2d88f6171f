import type { Database as Db, Statement } from 'better-sqlite3';

/** A page of a list and the cursor of the next one (null on the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  /** The key behind nextCursor, for a caller that reads on (a CSV export). */
  nextKey?: CursorKey;
}

export type CursorKey = (string | number)[];

/**
 * Lists page by key (the last row's sort key, opaque to clients): a row written meanwhile lands
 * before or after the cursor, so no row of a list is skipped or repeated across pages.
 */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of a cursor, or undefined when it is not one of `arity` strings and numbers. */
export function decodeCursor(cursor: string, arity: number): CursorKey | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(key) || key.length !== arity) return undefined;
    return key.every((k) => typeof k === 'string' || typeof k === 'number') ? (key as CursorKey) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page whose items are kept as the JSON text the read model stores: a route sends the text as it
 * is (no parse and re-encode of every item), and `items` parses it for a caller that needs values.
 */
export class JsonPage<T> implements Page<T> {
  private parsed: T[] | undefined;

  constructor(
    readonly json: string[],
    readonly nextCursor: string | null,
    readonly nextKey?: CursorKey,
  ) {}

  get items(): T[] {
    return (this.parsed ??= this.json.map((j) => JSON.parse(j) as T));
  }
}

/** Rows fetched one past the limit tell whether another page follows: the rows shown, and the key of the next page. */
function cut<R>(rows: R[], limit: number, key: (r: R) => CursorKey): { shown: R[]; nextKey?: CursorKey } {
  const shown = rows.length > limit ? rows.slice(0, limit) : rows;
  return rows.length > limit && shown.length > 0 ? { shown, nextKey: key(shown[shown.length - 1]!) } : { shown };
}

export function toPage<R, T>(rows: R[], limit: number, key: (r: R) => CursorKey, map: (r: R) => T): Page<T> {
  const { shown, nextKey } = cut(rows, limit, key);
  return nextKey ? { items: shown.map(map), nextCursor: encodeCursor(nextKey), nextKey } : { items: shown.map(map), nextCursor: null };
}

/** As toPage, for rows that carry their item's JSON text. */
export function toJsonPage<R, T>(rows: R[], limit: number, key: (r: R) => CursorKey, json: (r: R) => string): JsonPage<T> {
  const { shown, nextKey } = cut(rows, limit, key);
  return nextKey ? new JsonPage<T>(shown.map(json), encodeCursor(nextKey), nextKey) : new JsonPage<T>(shown.map(json), null);
}

/** One condition of a WHERE clause with its parameters; false or undefined leaves it out. */
export type Condition = readonly [sql: string, ...params: unknown[]] | false | undefined;

/** A WHERE clause (empty when no condition applies) and its parameters, in order. */
export function whereClause(conditions: readonly Condition[]): { sql: string; params: unknown[] } {
  const kept = conditions.filter((c): c is readonly [string, ...unknown[]] => Array.isArray(c));
  return { sql: kept.length > 0 ? `WHERE ${kept.map((c) => c[0]).join(' AND ')}` : '', params: kept.flatMap((c) => c.slice(1)) };
}

const statements = new WeakMap<Db, Map<string, Statement>>();

/** A list's SQL differs by which filters are given: each variant is prepared once per database. */
export function prepared(db: Db, sql: string): Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let s = byText.get(sql);
  if (!s) byText.set(sql, (s = db.prepare(sql)));
  return s;
}

interface PageQuery<R> {
  select: string;
  conditions: readonly Condition[];
  orderBy: string;
  keyOf: (r: R) => CursorKey;
}

/** The rows of one page of `select` under `conditions` (the cursor's among them), in `orderBy` order, and one more. */
function pageRows<R>(db: Db, q: PageQuery<R>, limit: number): R[] {
  const { sql: where, params } = whereClause(q.conditions);
  return prepared(db, `${q.select} ${where} ORDER BY ${q.orderBy} LIMIT ?`).all(...params, limit + 1) as R[];
}

/** One page of a list, each row mapped to its item. */
export function selectPage<R, T>(db: Db, q: PageQuery<R> & { map: (r: R) => T }, limit: number): Page<T> {
  return toPage(pageRows(db, q, limit), limit, q.keyOf, q.map);
}

/** As selectPage, for a list whose rows hold each item's JSON text in the column `json`. */
export function selectJsonPage<R extends { json: string }, T>(db: Db, q: PageQuery<R>, limit: number): JsonPage<T> {
  return toJsonPage(pageRows(db, q, limit), limit, q.keyOf, (r) => r.json);
}

/** A read model's document by id, parsed: the record a detail route shows. */
export function documentReader<T>(db: Db, table: string): (id: string) => T | undefined {
  const stmt = db.prepare(`SELECT doc FROM ${table} WHERE id = ?`).pluck();
  return (id) => {
    const text = stmt.get(id) as string | undefined;
    return text ? (JSON.parse(text) as T) : undefined;
  };
}

/**
 * A page of a read model's documents in key order, filtered on the columns of its list table
 * (`l.`; `d.doc` is the document): the shape of every list whose items are whole records.
 */
export function documentPage<T>(
  db: Db,
  q: { list: string; key: string; documents: string; conditions: readonly Condition[] },
  limit: number,
  after?: CursorKey,
): JsonPage<T> {
  return selectJsonPage<{ id: string; json: string }, T>(
    db,
    {
      select: `SELECT l.${q.key} AS id, d.doc AS json FROM ${q.list} l JOIN ${q.documents} d ON d.id = l.${q.key}`,
      conditions: [...q.conditions, after && [`l.${q.key} > ?`, after[0]]],
      orderBy: `l.${q.key}`,
      keyOf: (r) => [r.id],
    },
    limit,
  );
}
