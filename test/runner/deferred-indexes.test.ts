import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { registeredProjections } from '../../projections/index.js';
import { buildIndexes, deferIndexes } from '../../src/runner/deferred-indexes.js';
import { openReadModelDb } from '../../src/runner/read-model-db.js';
import { tempDir } from '../support/tmp.js';

const indexes = (db: Database.Database): string[] =>
  db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all() as string[];

t.test('only the indexes of empty tables are deferred, never a unique one or one a fold reads through', (t) => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE full (a TEXT, b TEXT);
    CREATE INDEX full_a ON full (a);
    INSERT INTO full VALUES ('x', 'y');
    CREATE TABLE empty (a TEXT, b TEXT, c TEXT);
    CREATE INDEX empty_a ON empty (a);
    CREATE INDEX empty_b ON empty (b, a) WHERE c IS NULL;
    CREATE UNIQUE INDEX empty_c ON empty (c);
    CREATE INDEX empty_kept ON empty (c, a);
  `);
  const deferred = deferIndexes(db, new Set(['empty_kept']));
  t.same(deferred.map((i) => i.name), ['empty_a', 'empty_b']);
  t.same(indexes(db), ['empty_c', 'empty_kept', 'full_a'], 'the others stay');
  db.prepare("INSERT INTO empty VALUES ('1', '2', NULL)").run();
  buildIndexes(db, deferred);
  t.same(indexes(db), ['empty_a', 'empty_b', 'empty_c', 'empty_kept', 'full_a'], 'built again');
  t.same(
    db.prepare("SELECT sql FROM sqlite_master WHERE name = 'empty_b'").pluck().get(),
    'CREATE INDEX empty_b ON empty (b, a) WHERE c IS NULL',
    'the partial index is built as declared',
  );
  t.same(db.pragma('integrity_check'), [{ integrity_check: 'ok' }], 'holding the row inserted meanwhile');
  buildIndexes(db, deferred);
  t.same(indexes(db).length, 5, 'building again what is there is a no-op');
  db.close();
  t.end();
});

t.test('an index a catch-up did not get to build again comes back when the read models are opened', (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'readmodels.db');
  const projections = registeredProjections();
  const db = openReadModelDb(file, projections);
  const declared = indexes(db);
  t.ok(declared.includes('staff_lines_short') && declared.includes('person_directory_name'), declared.join(', '));
  db.prepare("UPDATE projections SET position = '9'").run();
  const deferred = deferIndexes(db, new Set());
  t.ok(deferred.length >= declared.length - 2, `${deferred.length} deferred`);
  db.close();
  const reopened = openReadModelDb(file, projections);
  t.same(indexes(reopened), declared, 'every declared index is there again');
  t.same(reopened.prepare('SELECT DISTINCT position FROM projections').pluck().all(), ['9'], 'and nothing was folded again');
  reopened.close();
  t.end();
});
