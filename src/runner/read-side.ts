import type { Database as Db } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { AnyProjection } from '../../projections/define.js';
import { registeredProjections } from '../../projections/index.js';
import type { PersonYearQueries } from '../../projections/person-years/queries.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { EventStore } from '../store/port.js';
import { Projector } from './projector.js';
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
  close(): Promise<void>;
}

export interface ReadSideOptions extends OpenOptions {
  rules?: RuleOptions;
  logger?: Logger;
  /** Whether folding checks each hash and link, and who sees the events read (the verifiable log). */
  runner?: Pick<RunnerOptions, 'verify' | 'onEvents'>;
  /** The read models to keep; the registered ones by default. */
  projections?: AnyProjection[];
}

/** The read-model database, its projector and runner, and the queries over it. `file` may be ':memory:'. */
export function openReadSide(store: EventStore, file: string, options: ReadSideOptions = {}): ReadSide {
  const projections = options.projections ?? registeredProjections(options.rules ? { rules: options.rules } : {});
  const db = openReadModelDb(file, projections, options.reset ? { reset: options.reset } : {});
  const projector = new Projector(db, projections);
  const runner = new ProjectionRunner(store, projector, { file, ...options.runner, ...(options.logger ? { logger: options.logger } : {}) });
  return {
    db,
    projector,
    runner,
    models: projector.queries<PersonYearQueries>('person-years'),
    close: async () => {
      await runner.stop();
      db.close();
    },
  };
}
