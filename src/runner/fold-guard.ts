import { GENESIS_HASH, recomputeHash } from '../store/integrity.js';
import type { CheckedLink, EventStore, RecordedEvent } from '../store/port.js';

export interface BrokenLink {
  streamId: string;
  revision: bigint;
  position: bigint;
  reason: string;
}

/** Folding met an event whose hash or chain link does not hold: the read side stops before it. */
export class BrokenLinkError extends Error {
  constructor(readonly broken: BrokenLink) {
    super(`broken link at stream ${broken.streamId} revision ${broken.revision} (position ${broken.position}): ${broken.reason}`);
    this.name = 'BrokenLinkError';
  }
}

/** Streams whose last hash is kept; past this the map starts over and older heads are read back from the store. */
const KEPT_STREAMS = 500_000;

/**
 * Checks each event a fold reads: its hash against its content, its revision against the stream's
 * last one and its prevHash against that event's hash. A stream first met past revision 0 (the
 * runner resumed from a checkpoint) has its previous event read from the store once.
 */
export class FoldGuard {
  private readonly last = new Map<string, { revision: bigint; hash: string }>();

  constructor(private readonly store: Pick<EventStore, 'readStream'>) {}

  /** Throws BrokenLinkError at the first event that does not hold. */
  async check(events: readonly (CheckedLink | RecordedEvent)[]): Promise<void> {
    for (const e of events) {
      const matches = 'contentMatches' in e ? e.contentMatches : recomputeHash(e) === e.hash;
      if (!matches) this.fail(e, 'hash does not match the content (the event was altered)');
      let prev = this.last.get(e.streamId);
      if (!prev && e.revision > 0n) prev = await this.previous(e);
      const expectedRevision = prev ? prev.revision + 1n : 0n;
      if (e.revision !== expectedRevision) this.fail(e, `revision ${e.revision} where ${expectedRevision} was expected (an event is missing or moved)`);
      if (e.prevHash !== (prev ? prev.hash : GENESIS_HASH)) this.fail(e, 'prevHash does not match the previous event (an earlier event was altered or removed)');
      if (this.last.size >= KEPT_STREAMS) this.last.clear();
      this.last.set(e.streamId, { revision: e.revision, hash: e.hash });
    }
  }

  private async previous(e: CheckedLink | RecordedEvent): Promise<{ revision: bigint; hash: string } | undefined> {
    const [before] = await this.store.readStream(e.streamId, { fromRevision: e.revision - 1n, maxCount: 1 }).catch(() => []);
    return before && before.revision === e.revision - 1n ? { revision: before.revision, hash: before.hash } : undefined;
  }

  private fail(e: CheckedLink | RecordedEvent, reason: string): never {
    throw new BrokenLinkError({ streamId: e.streamId, revision: e.revision, position: e.position, reason });
  }
}
