import type { Database as Db } from 'better-sqlite3';
import type { AnyProjection } from '../../projections/define.js';
import { registeredProjections } from '../../projections/index.js';
import { Projector } from '../../src/runner/projector.js';
import { openReadModelDb, tablesOf } from '../../src/runner/read-model-db.js';
import type { EventStore } from '../../src/store/port.js';

/** Read models on a file (or in memory) with their projector, as the read side opens them; `store` holds the events folded. */
export function openProjector(file = ':memory:', projections: AnyProjection[] = registeredProjections(), store?: Pick<EventStore, 'readStream'>): { db: Db; projector: Projector } {
  const db = openReadModelDb(file, projections);
  return { db, projector: new Projector(db, projections, store) };
}

/** Everything the projections hold, with their checkpoints, as text: two folds are equal when their dumps are. */
export function dumpReadModels(db: Db, projections: AnyProjection[] = registeredProjections()): string {
  return [...projections.flatMap(tablesOf), 'projections']
    .map((table) => `${table}: ${JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all())}`)
    .join('\n');
}
