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

interface StreamState {
  events: StoredEvent[];
  /** Soft delete: reads say not-found, appends continue after the old last revision. */
  deletedUpTo?: bigint;
  tombstoned?: boolean;
}

export type ExpectedState = { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type AppendOutcome =
  | { ok: true; revision: bigint; position: bigint }
  | { ok: false; kind: 'wrong-expected-version'; current: bigint | 'no_stream' }
  | { ok: false; kind: 'stream-deleted' };

/** The in-memory log of the double: `$all` in commit order, with a few system events like the real one. */
export class Log {
  readonly all: StoredEvent[] = [];
  readonly streams = new Map<string, StreamState>();
  readonly appended = new EventEmitter().setMaxListeners(0);
  private nextPosition = 1000n;

  constructor() {
    // The real $all holds system events and metadata streams; the adapter must filter them out.
    this.write('$stats-127.0.0.1:2113', [{ id: '00000000-0000-4000-8000-000000000001', type: '$statsCollected', contentType: 'application/json', data: Buffer.from('{}'), metadata: Buffer.from('{}') }]);
    this.write('$$person-none', [{ id: '00000000-0000-4000-8000-000000000002', type: '$metadata', contentType: 'application/json', data: Buffer.from('{"$maxAge":0}'), metadata: Buffer.from('{}') }]);
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

  append(name: string, expected: ExpectedState, proposed: Omit<StoredEvent, 'streamName' | 'revision' | 'position' | 'created'>[]): AppendOutcome {
    const s = this.streams.get(name);
    if (s?.tombstoned) return { ok: false, kind: 'stream-deleted' };
    const current = this.current(name);
    // Idempotence as EventStoreDB does it: the same ids already at the end of the stream succeed.
    const existing = s?.events ?? [];
    const firstAt = existing.findIndex((e) => e.id === proposed[0]?.id);
    if (firstAt >= 0 && proposed.every((p, i) => existing[firstAt + i]?.id === p.id)) {
      const last = existing[firstAt + proposed.length - 1]!;
      return { ok: true, revision: last.revision, position: last.position };
    }
    const holds =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === 'no_stream') ||
      (expected.kind === 'stream_exists' && current !== 'no_stream') ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!holds) return { ok: false, kind: 'wrong-expected-version', current };
    const written = this.write(name, proposed);
    return { ok: true, revision: written.at(-1)!.revision, position: written.at(-1)!.position };
  }

  private write(name: string, proposed: Omit<StoredEvent, 'streamName' | 'revision' | 'position' | 'created'>[]): StoredEvent[] {
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
    this.appended.emit('append', written);
    return written;
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
