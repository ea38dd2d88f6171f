import type { EventEmitter } from 'node:events';
import { recomputeHash } from './integrity.js';
import type { CheckedEvent, ProjectedEvent, ReadAllOptions, RecordedEvent, Subscription } from './port.js';
import { StoreClosed } from './errors.js';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Registers a callback fired after every committed append; returns the unregister function. */
  onCommitted(listener: () => void): () => void;
}

const PAGE = 1_000;

/**
 * A catch-up subscription over a store whose `$all` is readable in commit order: it pages through
 * history, then sleeps until the next commit. A commit counter taken before each read closes the
 * window in which a commit could land between "read found nothing" and "wait", so nothing is
 * skipped; delivering strictly after the last delivered position means nothing repeats.
 */
export function catchUpSubscription(source: CatchUpSource, fromPosition: bigint | undefined): Subscription {
  let closed = false;
  let commits = 0;
  let wake: (() => void) | undefined;
  const unlisten = source.onCommitted(() => {
    commits++;
    const w = wake;
    wake = undefined;
    w?.();
  });
  let markCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));

  async function* run(): AsyncGenerator<RecordedEvent> {
    let after = fromPosition ?? -1n;
    let reachedHead = false;
    try {
      while (!closed) {
        const seen = commits;
        let got = 0;
        for await (const e of source.readAll({ fromPosition: after + 1n, maxCount: PAGE })) {
          if (closed) return;
          got++;
          after = e.position;
          yield e;
        }
        if (got === PAGE) continue;
        if (!reachedHead) {
          reachedHead = true;
          markCaughtUp();
        }
        if (seen === commits && !closed) {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    } catch (err) {
      if (!(err instanceof StoreClosed)) throw err;
    } finally {
      unlisten();
      markCaughtUp();
    }
  }

  const iterator = run();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      if (closed) return;
      closed = true;
      const w = wake;
      wake = undefined;
      w?.();
      unlisten();
      markCaughtUp();
      await iterator.return(undefined);
    },
  };
}

/** The catch-up subscription of a store that emits `commit` on an EventEmitter after each commit. */
export function subscribeWithCommits(readAll: CatchUpSource['readAll'], commits: EventEmitter, fromPosition: bigint | undefined): Subscription {
  return catchUpSubscription(
    {
      readAll,
      onCommitted: (listener) => {
        commits.on('commit', listener);
        return () => commits.off('commit', listener);
      },
    },
    fromPosition,
  );
}

/** `readPage` for a store that has no cheaper way than its `readAll`. */
export async function pageOf(readAll: CatchUpSource['readAll'], fromPosition: bigint, maxCount: number): Promise<ProjectedEvent[]> {
  const page: ProjectedEvent[] = [];
  for await (const e of readAll({ fromPosition, maxCount })) page.push(e);
  return page;
}

/** `readCheckedPage` for a store that has no cheaper way than its `readAll`: each hash recomputed from the parsed event. */
export async function checkedPageOf(readAll: CatchUpSource['readAll'], fromPosition: bigint, maxCount: number): Promise<CheckedEvent[]> {
  const page: CheckedEvent[] = [];
  for await (const e of readAll({ fromPosition, maxCount })) page.push({ ...e, contentMatches: recomputeHash(e) === e.hash });
  return page;
}
