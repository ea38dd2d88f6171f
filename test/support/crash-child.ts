import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';

/**
 * Appends until killed: many concurrent appenders, single- and multi-event appends, and a line on
 * stdout for each acknowledged append. The parent kills this process with SIGKILL.
 */
const file = process.argv[2]!;
const run = Number(process.argv[3] ?? 0);
const store = SqliteEventStore.open({ file });
const out = (line: string) => process.stdout.write(`${line}\n`);

async function appender(worker: number): Promise<never> {
  for (let n = 0; ; n++) {
    const size = 1 + (n % 3);
    const events = Array.from({ length: size }, (_, i) => ({ eventId: randomUUID(), type: 'Tick', data: { run, worker, n, i } }));
    const stream = `crash-${worker % 5}`;
    await store.append(stream, events);
    out(JSON.stringify({ stream, ids: events.map((e) => e.eventId) }));
  }
}

out('ready');
for (let w = 0; w < 16; w++) void appender(w);
