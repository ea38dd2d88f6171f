import type { RecordedEvent } from '../src/store/port.js';
import { EVENT_SCHEMAS, EventMetadata, SCHEMA_VERSIONS } from './events.js';
import type { DomainEvent, EventType } from './events.js';

/** Turns data of schemaVersion v into v+1. Registered per type and version. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {};

/** Registers the step from `fromVersion` to `fromVersion + 1` for an event type. */
export function registerUpcaster(type: EventType, fromVersion: number, step: Upcaster): void {
  (UPCASTERS[type] ??= {})[fromVersion] = step;
}

/**
 * The current schema version of each known type, in a Map: a type read from the store is a fresh
 * string, and a property lookup by it first interns it, which a rebuild did twice per event.
 */
const CURRENT_VERSION = new Map<string, number>(Object.entries(SCHEMA_VERSIONS));

/**
 * Brings a stored event's data up to the current schema, step by step, then validates it. Unknown
 * types return undefined so that a reader skips events it does not know (forward compatibility).
 */
export function decodeEvent(e: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): DomainEvent | undefined {
  return decode(e, true);
}

/**
 * The same without re-validating: for replaying the ledger's own events, which were validated
 * when they were appended and whose hashes the integrity check covers. Upcasting still applies.
 */
export function decodeTrusted(e: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>): DomainEvent | undefined {
  return decode(e, false);
}

function decode(e: Pick<RecordedEvent, 'type' | 'data' | 'metadata'>, validate: boolean): DomainEvent | undefined {
  const current = CURRENT_VERSION.get(e.type);
  if (current === undefined) return undefined;
  const type = e.type as EventType;
  // A type still at its first schema has nothing to upcast: its metadata need not even be read.
  if (!validate && current === 1) return { type, data: e.data } as DomainEvent;
  const declared = (e.metadata as { schemaVersion?: unknown }).schemaVersion;
  let version = typeof declared === 'number' ? declared : validate ? (EventMetadata.safeParse(e.metadata).data?.schemaVersion ?? 1) : 1;
  let data = e.data as Record<string, unknown>;
  const steps = UPCASTERS[type] ?? {};
  while (version < current) {
    const step = steps[version];
    if (!step) throw new Error(`no upcaster for ${type} v${version}`);
    data = step(data);
    version++;
  }
  return { type, data: validate ? EVENT_SCHEMAS[type].parse(data) : data } as DomainEvent;
}
