import type { Database as Db } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { RuleOptions } from '../rules/rule-set.js';
import type { EventStore } from '../store/port.js';
import { Projector } from './projector.js';
import { openReadModelDb } from './read-model-db.js';
import { ReadModels } from './read-models.js';
import { ProjectionRunner } from './runner.js';
import type { RunnerOptions } from './runner.js';

export interface ReadSide {
  db: Db;
  projector: Projector;
  runner: ProjectionRunner;
  models: ReadModels;
  close(): Promise<void>;
}

/** The read-model database, its projector and runner, and the queries over it. `file` may be ':memory:'. */
export function openReadSide(store: EventStore, file: string, options: { rules?: RuleOptions; logger?: Logger; runner?: Pick<RunnerOptions, 'verify' | 'onEvents'> } = {}): ReadSide {
  const db = openReadModelDb(file);
  const projector = new Projector(db, options.rules);
  const runner = new ProjectionRunner(store, projector, { file, ...options.runner, ...(options.logger ? { logger: options.logger } : {}) });
  const models = new ReadModels(db, { registry: projector.registry, ...(options.rules ? { rules: options.rules } : {}) });
  projector.onCertificatesChanged = (numbers) => models.forget(numbers);
  return {
    db,
    projector,
    runner,
    models,
    close: async () => {
      await runner.stop();
      db.close();
    },
  };
}
