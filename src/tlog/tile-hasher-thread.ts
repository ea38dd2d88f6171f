import { parentPort } from 'node:worker_threads';
import { claim, hashBatch } from './tile-batch.js';
import type { TileBatch } from './tile-batch.js';

/**
 * The tile hasher's thread: hashes each batch it is sent that the log's thread has not claimed
 * first, and marks it done in the batch's shared memory.
 */
parentPort!.on('message', (batch: TileBatch) => {
  if (claim(batch)) hashBatch(batch);
});
