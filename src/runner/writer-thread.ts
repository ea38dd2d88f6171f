import { parentPort, workerData } from 'node:worker_threads';
import { beginUnsynced, endUnsynced, openReadModelDb } from './read-model-db.js';
import { readModelWriter } from './read-model-writes.js';
import type { ReadModelWrites } from './read-model-writes.js';

/**
 * The writer thread of a catch-up: it commits the batches the projector folded, in order, while
 * the projector folds the next ones, without fsync until the end (see beginUnsynced).
 * After one failure it commits nothing more, so the checkpoint never moves past a batch that was
 * not written.
 */
const port = parentPort!;
const db = openReadModelDb((workerData as { file: string }).file);
beginUnsynced(db);
const write = readModelWriter(db);
let failed = false;

port.on('message', (msg: { seq: number; writes: ReadModelWrites } | 'close') => {
  if (msg === 'close') {
    if (!failed) endUnsynced(db);
    db.close();
    port.close();
    return;
  }
  if (failed) {
    port.postMessage({ seq: msg.seq, error: 'an earlier batch failed' });
    return;
  }
  try {
    write(msg.writes);
    port.postMessage({ seq: msg.seq });
  } catch (err) {
    failed = true;
    port.postMessage({ seq: msg.seq, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
