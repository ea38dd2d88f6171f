import { canonicalJson } from './integrity.js';
import { AppendTooLarge, DuplicateEventConflict, InvalidAppend, WrongExpectedVersion } from './errors.js';
import type { AppendResult, ExpectedRevision, JsonObject, NewEvent, RecordedEvent } from './port.js';

/** EventStoreDB's default maximum append size; every adapter refuses larger appends the same way. */
export const MAX_APPEND_BYTES = 1_048_576;

/**
 * What one event counts against MAX_APPEND_BYTES: its data and metadata in UTF-8 bytes plus twice
 * its type's length, as EventStoreDB 24.10.4+ and KurrentDB count it (earlier servers count the
 * data alone, so this is never less than any server counts).
 */
export function eventBytes(type: string, dataJson: string, metadataJson: string): number {
  return Buffer.byteLength(dataJson, 'utf8') + Buffer.byteLength(metadataJson, 'utf8') + type.length * 2;
}
export const MAX_EVENTS_PER_APPEND = 10_000;

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9._-]{0,99}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new event checked and serialised once, ready for hashing and storage. */
export interface PreparedEvent {
  eventId: string;
  type: string;
  dataJson: string;
  metadataJson: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateStreamId(streamId: string): void {
  if (typeof streamId !== 'string' || !STREAM_ID.test(streamId)) {
    throw new InvalidAppend(`invalid stream id ${JSON.stringify(streamId)}: letters, digits, . _ : - (1..200), not starting with $`);
  }
}

export function validateExpected(expected: ExpectedRevision): void {
  if (typeof expected === 'bigint') {
    if (expected < 0n) throw new InvalidAppend('expected revision must be >= 0');
    return;
  }
  if (expected !== 'any' && expected !== 'no_stream' && expected !== 'stream_exists') {
    throw new InvalidAppend(`invalid expected revision ${String(expected)}`);
  }
}

/** Validates an append's input and serialises it canonically; throws InvalidAppend. */
export function prepareAppend(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): PreparedEvent[] {
  validateStreamId(streamId);
  validateExpected(expected);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppend('an append needs at least one event');
  if (events.length > MAX_EVENTS_PER_APPEND) throw new InvalidAppend(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
  const seen = new Set<string>();
  let bytes = 0;
  const out: PreparedEvent[] = [];
  for (const [i, e] of events.entries()) {
    if (!isPlainObject(e)) throw new InvalidAppend(`events[${i}] is not an object`);
    if (typeof e.eventId !== 'string' || !UUID.test(e.eventId)) throw new InvalidAppend(`events[${i}].eventId must be a UUID`);
    const eventId = e.eventId.toLowerCase();
    if (seen.has(eventId)) throw new InvalidAppend(`events[${i}].eventId repeats an earlier event of the same append`);
    seen.add(eventId);
    if (typeof e.type !== 'string' || !EVENT_TYPE.test(e.type)) throw new InvalidAppend(`events[${i}].type is invalid`);
    if (!isPlainObject(e.data)) throw new InvalidAppend(`events[${i}].data must be a JSON object`);
    if (e.metadata !== undefined && !isPlainObject(e.metadata)) throw new InvalidAppend(`events[${i}].metadata must be a JSON object`);
    let dataJson: string;
    let metadataJson: string;
    try {
      dataJson = canonicalJson(e.data as JsonObject);
      metadataJson = canonicalJson((e.metadata ?? {}) as JsonObject);
    } catch (err) {
      throw new InvalidAppend(`events[${i}] is not serialisable as JSON: ${(err as Error).message}`);
    }
    bytes += eventBytes(e.type, dataJson, metadataJson);
    if (bytes > MAX_APPEND_BYTES) throw new AppendTooLarge(bytes, MAX_APPEND_BYTES);
    out.push({ eventId, type: e.type, dataJson, metadataJson });
  }
  return out;
}

/** Whether `actual` (last revision, or 'no_stream') satisfies `expected`. */
export function expectationHolds(expected: ExpectedRevision, actual: bigint | 'no_stream'): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return actual === expected;
}

/**
 * Idempotency as in EventStoreDB, stricter on content: when some of an append's eventIds are
 * already stored, the append is a no-op success only if all of them are stored consecutively in the
 * same stream, in the same order, with the same content, at a place the expectation allows.
 * `existing` holds the stored events found for the append's ids (any order).
 */
export function resolveRetry(
  streamId: string,
  prepared: readonly PreparedEvent[],
  existing: readonly RecordedEvent[],
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): AppendResult {
  const byId = new Map(existing.map((e) => [e.eventId, e]));
  const first = byId.get(prepared[0]!.eventId);
  for (const [i, p] of prepared.entries()) {
    const found = byId.get(p.eventId);
    if (!found) throw new DuplicateEventConflict(existing[0]!.eventId, 'part of this append was stored before and part was not');
    if (found.streamId !== streamId) throw new DuplicateEventConflict(p.eventId, `already stored in stream ${found.streamId}`);
    if (!first || found.revision !== first.revision + BigInt(i)) {
      throw new DuplicateEventConflict(p.eventId, 'already stored at another place in the stream');
    }
    if (found.type !== p.type || canonicalJson(found.data) !== p.dataJson || canonicalJson(found.metadata) !== p.metadataJson) {
      throw new DuplicateEventConflict(p.eventId, 'already stored with different content');
    }
  }
  const start = first!.revision;
  const placeOk =
    expected === 'any' ||
    expected === 'stream_exists' ||
    (expected === 'no_stream' && start === 0n) ||
    (typeof expected === 'bigint' && start === expected + 1n);
  if (!placeOk) throw new WrongExpectedVersion(streamId, expected, actual);
  const last = byId.get(prepared[prepared.length - 1]!.eventId)!;
  return { nextRevision: last.revision, position: last.position };
}
