import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { batchWriter } from './commit.js';
import type { BatchWrites, CommitPlan } from './commit.js';
import { buildIndexes } from './deferred-indexes.js';
import type { DeferredIndex } from './deferred-indexes.js';
import { beginUnsynced, endUnsynced } from './read-model-db.js';

/**
 * Pages a bulk catch-up's WAL may hold before a commit copies them into the file: each batch
 * rewrites many of the b-tree pages the last few did, which are then copied once per checkpoint
 * rather than once every few batches. Past the page cache, pages read back from a long WAL cost
 * more than that saves.
 */
const BULK_WAL_PAGES = 16_384;

/**
 * The writer thread of a catch-up: it commits the batches the projector folded, in order, while
 * the projector folds the next ones, without fsync until the end (see beginUnsynced). A live batch
 * too wide to commit between two requests is committed here as the projector's thread would. The tables
 * exist already: the projector's thread opened the file first. After one failure it commits
 * nothing more, so a checkpoint never moves past a batch that was not written.
 */
const port = parentPort!;
const { file, plan, unsynced, indexes } = workerData as { file: string; plan: CommitPlan; unsynced: boolean; indexes: DeferredIndex[] };
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('cache_size = -65536');
db.pragma('busy_timeout = 5000');
if (unsynced) {
  beginUnsynced(db);
  db.pragma(`wal_autocheckpoint = ${BULK_WAL_PAGES}`);
} else db.pragma('synchronous = NORMAL');
const write = batchWriter(db, plan);
let failed = false;

port.on('message', (msg: { seq: number; writes: BatchWrites } | 'close') => {
  if (msg === 'close') {
    // The deferred indexes are built before the sync, so that they too are written without fsync.
    if (unsynced && !failed) {
      buildIndexes(db, indexes);
      endUnsynced(db);
    }
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
