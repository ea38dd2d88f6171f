import { randomUUID } from 'node:crypto';
import { EVENT_SCHEMAS, SCHEMA_VERSIONS } from '../../schemas/events.js';
import type { DomainEvent, EventType } from '../../schemas/events.js';
import { decodeEvent } from '../../schemas/upcast.js';
import { DuplicateEventConflict, StreamNotFound, WrongExpectedVersion } from '../store/errors.js';
import type { EventStore, JsonObject, NewEvent, RecordedEvent } from '../store/port.js';
import type { Clock } from '../time/clock.js';
import type { Principal } from '../security/principal.js';
import { uuidFromName } from './ids.js';
import { reject } from './result.js';
import type { Decision, Outcome, Rejection } from './result.js';

export interface CommandContext {
  store: EventStore;
  clock: Clock;
  actor: Principal;
  idempotencyKey?: string;
  /** Ties the events of one business process together across requests (`X-Correlation-Id`). */
  correlationId?: string;
  /** From If-Match: the revision the client saw; a different one answers PRECONDITION_FAILED. */
  ifMatch?: bigint;
}

/** An event a decider wants appended; `key` makes its eventId deterministic across retries. */
export type Draft = DomainEvent & { key?: string };

export interface Loaded<S> {
  state: S;
  revision: bigint | 'no_stream';
  /** Global position of the stream's last event (-1n for none). */
  position: bigint;
}

const MAX_TRIES = 5;

/** Folds a stream's events; the recorded event (position, revision) is passed for folds that need it. */
export type Evolve<S> = (s: S, e: DomainEvent, recorded: RecordedEvent) => S;

export async function load<S>(store: EventStore, streamId: string, initial: () => S, evolve: Evolve<S>): Promise<Loaded<S>> {
  let state = initial();
  try {
    const events = await store.readStream(streamId);
    for (const e of events) {
      const decoded = decodeEvent(e);
      if (decoded) state = evolve(state, decoded, e);
    }
    const last = events.at(-1)!;
    return { state, revision: last.revision, position: last.position };
  } catch (err) {
    if (err instanceof StreamNotFound) return { state, revision: 'no_stream', position: -1n };
    throw err;
  }
}

export function toNewEvent(ctx: CommandContext, streamId: string, draft: Draft, index: number): NewEvent {
  const type = draft.type as EventType;
  const data = EVENT_SCHEMAS[type].parse(draft.data) as JsonObject;
  const key = draft.key ?? (ctx.idempotencyKey ? `idem:${ctx.actor.role}:${ctx.actor.sub}:${ctx.idempotencyKey}:${index}` : undefined);
  const metadata: JsonObject = { actor: { role: ctx.actor.role, id: ctx.actor.sub }, schemaVersion: SCHEMA_VERSIONS[type] };
  if (ctx.idempotencyKey) metadata.idempotencyKey = ctx.idempotencyKey;
  if (ctx.correlationId) metadata.correlationId = ctx.correlationId;
  return { eventId: key ? uuidFromName(`${streamId}|${type}|${key}`) : randomUUID(), type, data, metadata };
}

/**
 * The decider loop: load the stream, refuse a caller who may not know of it (`visible`), load what
 * else the decision needs (`prepare`), decide with a pure function, append at exactly the revision
 * the decision saw; when another writer got there first, load and decide again (bounded).
 * `beforeAppend` runs between a decision and its append (a certificate number is reserved there);
 * 'retry' starts over.
 */
export async function execute<S, T extends object = object, C = undefined>(
  ctx: CommandContext,
  spec: {
    streamId: string;
    initial: () => S;
    evolve: Evolve<S>;
    /**
     * Whether the actor may know of the stream's record at all (see authorize.ts): a refusal here
     * is answered before If-Match is compared, so it tells nothing of the record, not even its revision.
     */
    visible?: (loaded: Loaded<S>) => { ok: false; rejection: Rejection } | undefined;
    prepare?: (loaded: Loaded<S>) => Promise<C>;
    decide: (loaded: Loaded<S>, prepared: C) => Decision<Draft>;
    beforeAppend?: (prepared: C, drafts: Draft[]) => Promise<'retry' | undefined>;
    result?: (loaded: Loaded<S>, drafts: Draft[], prepared: C) => T;
  },
): Promise<Outcome<T>> {
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const loaded = await load(ctx.store, spec.streamId, spec.initial, spec.evolve);
    const hidden = spec.visible?.(loaded);
    if (hidden) return hidden;
    if (ctx.ifMatch !== undefined && loaded.revision !== ctx.ifMatch) {
      return reject('PRECONDITION_FAILED', `stream ${spec.streamId} is at revision ${String(loaded.revision)}, not ${ctx.ifMatch}`, {
        details: { actual: String(loaded.revision) },
      });
    }
    const prepared = (spec.prepare ? await spec.prepare(loaded) : undefined) as C;
    const decision = spec.decide(loaded, prepared);
    if (!decision.ok) return decision;
    const extra = () => (spec.result ? spec.result(loaded, decision.events, prepared) : ({} as T));
    if (decision.events.length === 0) {
      // Nothing to add: the command's effect is already there (an idempotent retry).
      return { ok: true, streamId: spec.streamId, revision: loaded.revision === 'no_stream' ? -1n : loaded.revision, position: loaded.position, ...extra() };
    }
    if (spec.beforeAppend && (await spec.beforeAppend(prepared, decision.events)) === 'retry') continue;
    const events = decision.events.map((d, i) => toNewEvent(ctx, spec.streamId, d, i));
    try {
      const r = await ctx.store.append(spec.streamId, events, { expected: loaded.revision });
      return { ok: true, streamId: spec.streamId, revision: r.nextRevision, position: r.position, ...extra() };
    } catch (err) {
      if (err instanceof WrongExpectedVersion) {
        if (ctx.ifMatch !== undefined) return reject('PRECONDITION_FAILED', `stream ${spec.streamId} changed meanwhile`);
        continue;
      }
      if (err instanceof DuplicateEventConflict) return reject('CONFLICT', 'this request was already recorded with different content');
      throw err;
    }
  }
  return reject('CONFLICT', `stream ${spec.streamId} is being changed by others; try again`);
}
