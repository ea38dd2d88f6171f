import Database from 'better-sqlite3';
import t from 'tap';
import { selectJsonPage } from '../../projections/paging.js';
import type { CursorKey, JsonPageQuery } from '../../projections/paging.js';

/** Namesakes: the two-column key (name, id) decides their order, and pages must cut between them. */
function directory() {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE p (id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, entry TEXT NOT NULL);
    CREATE INDEX p_name ON p (region, name, id, entry);`);
  const insert = db.prepare(`INSERT INTO p (id, name, region, entry) VALUES (?, ?, ?, json_object('id', ?, 'name', ?))`);
  const add = (id: string, name: string, region = 'zz') => insert.run(id, name, region, id, name);
  for (const [id, name] of [['p5', '王'], ['p2', '王'], ['p9', '李'], ['p1', '王'], ['p4', '张'], ['p7', '李'], ['p3', '王']] as const) add(id, name);
  add('q1', '王', 'sz');
  const query: JsonPageQuery = { from: 'p', json: 'entry', key: ['name', 'id'], conditions: [['region = ?', 'zz']] };
  const walk = (limit: number) => {
    const ids: string[] = [];
    let after: CursorKey | undefined;
    do {
      const page = selectJsonPage<{ id: string }>(db, query, limit, after);
      t.ok(page.items.length <= limit);
      ids.push(...page.items.map((i) => i.id));
      after = page.nextKey;
    } while (after);
    return ids;
  };
  return { db, add, query, walk };
}

t.test('a two-column key pages through namesakes in order, whatever the page size', async (t) => {
  const { walk } = directory();
  // Code-point order: 张 (U+5F20) < 李 (U+674E) < 王 (U+738B); namesakes by id.
  const order = ['p4', 'p7', 'p9', 'p1', 'p2', 'p3', 'p5'];
  for (const limit of [1, 2, 3, 4, 6, 7, 8]) t.same(walk(limit), order, `pages of ${limit}`);
});

t.test('the cursor is the last row of the page, even when rows are written between two pages', async (t) => {
  const { db, add, query } = directory();
  const first = selectJsonPage<{ id: string }>(db, query, 4);
  t.same(first.items.map((i) => i.id), ['p4', 'p7', 'p9', 'p1']);
  t.same(first.nextKey, ['王', 'p1']);
  // One namesake sorts before the cursor (its id is lower), one after it.
  add('p0', '王');
  add('p6', '王');
  const second = selectJsonPage<{ id: string }>(db, query, 4, first.nextKey);
  t.same(second.items.map((i) => i.id), ['p2', 'p3', 'p5', 'p6'], 'no repeat, no skip; p0 came before the cursor');
  t.equal(second.nextCursor, null, 'the last page says so');
  t.same(selectJsonPage<{ id: string }>(db, query, 3, ['王', 'p3']).items.map((i) => i.id), ['p5', 'p6']);
});
