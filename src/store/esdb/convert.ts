import type { AllStreamResolvedEvent, JSONEventType, ResolvedEvent } from '@eventstore/db-client';
import type { JsonObject, RecordedEvent } from '../port.js';

/** Where the integrity fields travel inside an EventStoreDB event's metadata. */
export const INTEGRITY_KEY = '$celedger';

export interface IntegrityFields {
  prevHash: string;
  hash: string;
  recordedAt: string;
}

/** System streams (`$…`) and system event types are the server's own, never the ledger's. */
export function isSystem(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

export function toRecorded(resolved: ResolvedEvent<JSONEventType> | AllStreamResolvedEvent): RecordedEvent | undefined {
  const e = resolved.event;
  if (!e || isSystem(e.streamId, e.type) || !e.isJson) return undefined;
  const { [INTEGRITY_KEY]: integrity, ...metadata } = (e.metadata ?? {}) as JsonObject & { [INTEGRITY_KEY]?: IntegrityFields };
  if (!integrity) return undefined;
  return {
    eventId: e.id,
    type: e.type,
    streamId: e.streamId,
    revision: e.revision,
    position: e.position?.commit ?? resolved.commitPosition ?? 0n,
    recordedAt: integrity.recordedAt,
    data: e.data as JsonObject,
    metadata,
    prevHash: integrity.prevHash,
    hash: integrity.hash,
  };
}
