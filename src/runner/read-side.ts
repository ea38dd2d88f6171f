import type { Database as Db } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AnyProjection } from '../../projections/define.js';
import { registeredProjections } from '../../projections/index.js';
import type { PersonYearQueries } from '../../projections/person-years/queries.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { EventStore } from '../store/port.js';
import { listModels } from '../../projections/json-lists.js';
import { Projector } from './projector.js';
import { localLists, ReaderPool } from './reader-pool.js';
import type { ListReader } from './reader-pool.js';
import { openReadModelDb } from './read-model-db.js';
import type { OpenOptions } from './read-model-db.js';
import { ProjectionRunner } from './runner.js';
import type { RunnerOptions } from './runner.js';

export interface ReadSide {
  db: Db;
  projector: Projector;
  runner: ProjectionRunner;
  /** The person-years read model's queries, which most routes answer from. */
  models: PersonYearQueries;
  /** Pages of the JSON lists: on reader threads when there are any, on this thread otherwise. */
  lists: ListReader;
  close(): Promise<void>;
}

export interface ReadSideOptions extends OpenOptions {
  rules?: RuleOptions;
  logger?: Logger;
  /** Whether folding checks each hash and link, and who sees the events read (the verifiable log). */
  runner?: Pick<RunnerOptions, 'verify' | 'onEvents' | 'log' | 'longBatch' | 'wideBatch'>;
  /** The read models to keep; the registered ones by default. */
  projections?: AnyProjection[];
  /** Threads that read the JSON lists' pages (none: this thread reads them; an in-memory database has none). */
  readerThreads?: number;
}

/** The read-model database, its projector and runner, and the queries over it. `file` may be ':memory:'. */
export function openReadSide(store: EventStore, file: string, options: ReadSideOptions = {}): ReadSide {
  const projections = options.projections ?? registeredProjections(options.rules ? { rules: options.rules } : {});
  const db = openReadModelDb(file, projections, options.reset ? { reset: options.reset } : {});
  const projector = new Projector(db, projections, store);
  const runner = new ProjectionRunner(store, projector, { file, ...options.runner, ...(options.logger ? { logger: options.logger } : {}) });
  const threads = file === ':memory:' ? 0 : (options.readerThreads ?? 0);
  const here = localLists(() => listModels((name) => projector.queries(name)));
  const lists = threads > 0 ? new ReaderPool(file, threads, here, options.rules) : here;
  return {
    db,
    projector,
    runner,
    models: projector.queries<PersonYearQueries>('person-years'),
    lists,
    close: async () => {
      await lists.close();
      await runner.stop();
      db.close();
    },
  };
}
