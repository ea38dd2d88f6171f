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
 * A page whose items are kept as the UTF-8 bytes of the JSON text the read model stores, joined by
 * commas: a route writes the bytes as they are (no item decoded into a string, parsed, encoded and
 * written again), and `items` parses them for a caller that needs values.
 */
export class JsonPage<T> implements Page<T> {
  private parsed: T[] | undefined;

  constructor(
    /** The items' JSON texts, comma-separated, as UTF-8 (empty for no items). */
    readonly joined: Buffer,
    readonly nextCursor: string | null,
    readonly nextKey?: CursorKey,
  ) {}

  get items(): T[] {
    return (this.parsed ??= this.joined.length === 0 ? [] : (JSON.parse(`[${this.joined.toString('utf8')}]`) as T[]));
  }
}

/** Rows fetched one past the limit tell whether another page follows. */
export function toPage<R, T>(rows: R[], limit: number, key: (r: R) => CursorKey, map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  if (!more || shown.length === 0) return { items: shown.map(map), nextCursor: null };
  const nextKey = key(shown[shown.length - 1]!);
  return { items: shown.map(map), nextCursor: encodeCursor(nextKey), nextKey };
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

/** One page of `select` under `conditions` (the cursor's among them), in `orderBy` order. */
export function selectPage<R, T>(
  db: Db,
  q: { select: string; conditions: readonly Condition[]; orderBy: string; keyOf: (r: R) => CursorKey; map: (r: R) => T },
  limit: number,
): Page<T> {
  const { sql: where, params } = whereClause(q.conditions);
  const rows = prepared(db, `${q.select} ${where} ORDER BY ${q.orderBy} LIMIT ?`).all(...params, limit + 1) as R[];
  return toPage(rows, limit, q.keyOf, q.map);
}

/** A list whose items are JSON text SQLite holds or makes, paged by a key of one or more columns. */
export interface JsonPageQuery {
  /** The FROM clause: a table, or tables joined. */
  from: string;
  /** The item's JSON text, an SQL expression. */
  json: string;
  /** The sort key's columns, in order: the list's order and its cursor. */
  key: readonly string[];
  conditions: readonly Condition[];
}

/** `(a, b) > (?, ?)`: the rows after a cursor's key, in the key's order. */
function afterKey(columns: readonly string[], key: CursorKey): Condition {
  return columns.length === 1 ? [`${columns[0]} > ?`, key[0]] : [`(${columns.join(', ')}) > (${columns.map(() => '?').join(', ')})`, ...key];
}

/**
 * One page of a JSON list as SQLite joins it: one row of the page's texts joined by commas (as a
 * BLOB, so its UTF-8 bytes come over as they are) and the page's last key, instead of a JavaScript
 * value for every column of every row. The aggregates read the rows of the inner query in its
 * ORDER BY: SQLite does not flatten a subquery with a LIMIT into an aggregate, and an ORDER BY
 * inside group_concat would sort the page's texts again. The last key of a one-column key is its
 * largest; a longer key's is read by a subquery of the same statement (so of the same snapshot)
 * stepping over the page's keys in the index, which costs less than collecting every key of the
 * page. A full page asks whether a row follows its last key (a row written between the two reads
 * falls after the cursor, where it belongs).
 */
export function selectJsonPage<T>(db: Db, q: JsonPageQuery, limit: number, after?: CursorKey): JsonPage<T> {
  const single = q.key.length === 1;
  const { sql: where, params } = whereClause([...q.conditions, after && afterKey(q.key, after)]);
  const order = q.key.join(', ');
  const lastKey = single ? 'max(k0)' : `(SELECT json_array(${order}) FROM ${q.from} ${where} ORDER BY ${order} LIMIT 1 OFFSET ?)`;
  const [joined, count, last] = prepared(
    db,
    `SELECT CAST(group_concat(j, ',') AS BLOB), count(*), ${lastKey}
     FROM (SELECT ${q.key.map((k, i) => `${k} AS k${i}`).join(', ')}, ${q.json} AS j FROM ${q.from} ${where} ORDER BY ${order} LIMIT ?)`,
  )
    .raw()
    .get(...(single ? [] : [...params, limit - 1]), ...params, limit) as [Buffer | null, number, string | number];
  const bytes = joined ?? Buffer.alloc(0);
  if (count < limit) return new JsonPage<T>(bytes, null);
  const key = single ? [last] : (JSON.parse(last as string) as CursorKey);
  const next = whereClause([...q.conditions, afterKey(q.key, key)]);
  const more = prepared(db, `SELECT 1 FROM ${q.from} ${next.sql} LIMIT 1`).get(...next.params) !== undefined;
  return more ? new JsonPage<T>(bytes, encodeCursor(key), key) : new JsonPage<T>(bytes, null);
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
  return selectJsonPage<T>(db, { from: `${q.list} l JOIN ${q.documents} d ON d.id = l.${q.key}`, json: 'd.doc', key: [`l.${q.key}`], conditions: q.conditions }, limit, after);
}
