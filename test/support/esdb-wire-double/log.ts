import { EventEmitter } from 'node:events';

export interface StoredEvent {
  streamName: string;
  revision: bigint;
  position: bigint;
  id: string;
  type: string;
  contentType: string;
  /** .NET ticks since the Unix epoch (ms × 10,000), as EventStoreDB stamps `created`. */
  created: string;
  data: Buffer;
  metadata: Buffer;
}

export type ProposedEvent = Omit<StoredEvent, 'streamName' | 'revision' | 'position' | 'created'>;

interface StreamState {
  events: StoredEvent[];
  /** Soft delete: reads say not-found, appends continue after the old last revision. */
  deletedUpTo?: bigint;
  tombstoned?: boolean;
}

export type ExpectedState = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { ok: true; revision: bigint; position: bigint; idempotent: boolean }
  | { ok: false; kind: 'wrong-expected-version'; current: bigint | 'no_stream' }
  | { ok: false; kind: 'stream-deleted' };

/**
 * What an append counts against the maximum append size. EventStoreDB `Event.SizeOnDisk` up to
 * 24.10.3 reads `data?.Length ?? 0 + metadata?.Length ?? 0 + type.Length * 2`, which C# precedence
 * makes the data length alone; 24.10.4 and KurrentDB 25.0 count data + metadata + 2 × type length.
 */
export type SizeRule = 'data' | 'data+metadata+type';

export function sizeOnDisk(rule: SizeRule, e: Pick<ProposedEvent, 'type' | 'data' | 'metadata'>): number {
  return rule === 'data' ? e.data.length : e.data.length + e.metadata.length + e.type.length * 2;
}

/**
 * The in-memory log of the double: `$all` in commit order, with a few system events like the real one.
 * Appends are decided as EventStoreDB oss-v23.10 `IndexWriter.CheckCommit` decides them (unchanged
 * in KurrentDB 25.0), idempotency included; the server's bounded cache of recent event ids is taken
 * as unbounded, which only ever makes a real server less idempotent than the double.
 */
export class Log {
  readonly all: StoredEvent[] = [];
  readonly streams = new Map<string, StreamState>();
  readonly appended = new EventEmitter().setMaxListeners(0);
  /** The last stored event of every event id (EventStoreDB's `_committedEvents`). */
  private readonly byId = new Map<string, StoredEvent>();
  private nextPosition = 1000n;

  constructor() {
    // The real $all holds system events and metadata streams; the adapter must filter them out.
    this.system('$stats-127.0.0.1:2113', '00000000-0000-4000-8000-000000000001', '$statsCollected', '{}');
    this.system('$$person-none', '00000000-0000-4000-8000-000000000002', '$metadata', '{"$maxAge":0}');
  }

  /** Writes a system event, as the server's own statistics and scavenges do. */
  system(streamName: string, id: string, type: string, data: string): void {
    this.write(streamName, [{ id, type, contentType: 'application/json', data: Buffer.from(data), metadata: Buffer.from('{}') }]);
  }

  /** The revision of the last visible event, or 'no_stream'. */
  current(name: string): bigint | 'no_stream' {
    const s = this.streams.get(name);
    const last = s?.events.at(-1);
    if (!s || !last || (s.deletedUpTo !== undefined && last.revision <= s.deletedUpTo)) return 'no_stream';
    return last.revision;
  }

  visible(name: string): StoredEvent[] | 'not-found' | 'deleted' {
    const s = this.streams.get(name);
    if (s?.tombstoned) return 'deleted';
    if (!s) return 'not-found';
    const events = s.deletedUpTo === undefined ? s.events : s.events.filter((e) => e.revision > s.deletedUpTo!);
    return events.length === 0 ? 'not-found' : events;
  }

  /** `CheckCommit`, then the write: see the class comment. */
  append(name: string, expected: ExpectedState, proposed: ProposedEvent[]): AppendOutcome {
    const s = this.streams.get(name);
    if (s?.tombstoned) return { ok: false, kind: 'stream-deleted' };
    const wrong = (): AppendOutcome => ({ ok: false, kind: 'wrong-expected-version', current: this.current(name) });
    const last = s?.events.at(-1);
    if (!last) {
      // A stream never written: `CheckCommitForNewStream` takes any and no_stream only.
      return expected.kind === 'any' || expected.kind === 'no_stream' ? this.commit(name, proposed) : wrong();
    }
    const softDeleted = s!.deletedUpTo !== undefined && last.revision <= s!.deletedUpTo;
    if (expected.kind === 'stream_exists' && softDeleted) return { ok: false, kind: 'stream-deleted' };
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Ids are looked up wherever they are in the stream; the first unknown id means a new write,
      // a later one a batch that only partly matches (answered WrongExpectedVersion).
      const found: StoredEvent[] = [];
      for (const p of proposed) {
        const e = this.byId.get(p.id);
        if (!e || e.streamName !== name) return found.length === 0 ? this.commit(name, proposed) : wrong();
        found.push(e);
      }
      return this.idempotent(found.at(-1)!);
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < last.revision) {
      // Positional: the ids must be the events right after the expected revision.
      for (const [i, p] of proposed.entries()) {
        const at = s!.events.find((e) => e.revision === expectedRevision + 1n + BigInt(i));
        if (at?.id === p.id) continue;
        if (i > 0) return wrong();
        return expected.kind === 'no_stream' && softDeleted ? this.commit(name, proposed) : wrong();
      }
      return this.idempotent(s!.events.find((e) => e.revision === expectedRevision + BigInt(proposed.length))!);
    }
    if (expectedRevision > last.revision) return wrong();
    // Expected revision equal to the current one: no id check at all, the events are written again.
    return this.commit(name, proposed);
  }

  private idempotent(last: StoredEvent): AppendOutcome {
    return { ok: true, revision: last.revision, position: last.position, idempotent: true };
  }

  private commit(name: string, proposed: ProposedEvent[]): AppendOutcome {
    const written = this.write(name, proposed);
    return { ok: true, revision: written.at(-1)!.revision, position: written.at(-1)!.position, idempotent: false };
  }

  private write(name: string, proposed: ProposedEvent[]): StoredEvent[] {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = { events: [] }));
    let revision = s.events.at(-1)?.revision ?? -1n;
    const created = (BigInt(Date.now()) * 10_000n).toString();
    const written = proposed.map((p) => {
      this.nextPosition += 137n;
      return { ...p, streamName: name, revision: ++revision, position: this.nextPosition, created };
    });
    s.events.push(...written);
    this.all.push(...written);
    for (const e of written) this.byId.set(e.id, e);
    this.appended.emit('append', written);
    return written;
  }

  /**
   * Delete and tombstone take the expected state as an append does (the server writes a deletion
   * record through the same check): no_stream on an existing stream, stream_exists on a missing one
   * or a stale revision are WrongExpectedVersion.
   */
  expectationHolds(name: string, expected: ExpectedState): boolean {
    const current = this.current(name);
    if (expected.kind === 'no_stream') return current === 'no_stream';
    if (expected.kind === 'stream_exists') return current !== 'no_stream';
    if (expected.kind === 'revision') return current === expected.revision;
    return true;
  }

  softDelete(name: string): boolean {
    const s = this.streams.get(name);
    if (!s || s.tombstoned) return false;
    s.deletedUpTo = s.events.at(-1)?.revision ?? -1n;
    return true;
  }

  tombstone(name: string): void {
    const s = this.streams.get(name) ?? { events: [] };
    s.tombstoned = true;
    this.streams.set(name, s);
  }
}
