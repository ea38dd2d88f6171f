import type { EventStore } from '../store/port.js';
import type { StreamBatch } from './generate.js';

export interface WriteProgress {
  events: number;
  streams: number;
}

/**
 * Appends the batches through the store port with up to `concurrency` appends in flight, so the
 * store's group commit folds them into few transactions. Registries come first in the generator's
 * order; `barrierEvery` waits for all in-flight appends at stream-kind boundaries so a person's
 * credits never land before the course they reference.
 */
export async function writeWorkload(
  store: EventStore,
  batches: Iterable<StreamBatch>,
  options: { concurrency?: number; onProgress?: (p: WriteProgress) => void } = {},
): Promise<WriteProgress> {
  const limit = options.concurrency ?? 64;
  const inFlight = new Set<Promise<void>>();
  const progress: WriteProgress = { events: 0, streams: 0 };
  let lastKind = '';
  let failure: unknown;
  for (const batch of batches) {
    const kind = batch.streamId.slice(0, batch.streamId.indexOf('-'));
    if (kind !== lastKind) {
      await Promise.all(inFlight);
      lastKind = kind;
    }
    if (failure) throw failure;
    const p: Promise<void> = store.append(batch.streamId, batch.events, { expected: 'any' }).then(
      () => {
        progress.events += batch.events.length;
        progress.streams++;
        if (progress.streams % 1000 === 0) options.onProgress?.(progress);
        inFlight.delete(p);
      },
      (err: unknown) => {
        failure ??= err;
        inFlight.delete(p);
      },
    );
    inFlight.add(p);
    if (inFlight.size >= limit) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  options.onProgress?.(progress);
  return progress;
}
