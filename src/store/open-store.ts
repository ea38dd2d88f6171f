import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import type { EventStore } from './port.js';
import { SqliteEventStore } from './sqlite/sqlite-store.js';

/** The one place that turns configuration into a store adapter. */
export async function openStore(config: Config): Promise<EventStore> {
  if (config.store === 'esdb') {
    const { EsdbEventStore } = await import('./esdb/esdb-store.js');
    return EsdbEventStore.connect({ connectionString: config.eventstoreConnectionString! });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return SqliteEventStore.open({ file: join(config.dataDir, 'events.db') });
}
