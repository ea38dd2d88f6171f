import type { RecordedEvent } from '../port.js';

/** Column order of every events SELECT; statements run in raw mode and return arrays in this order. */
export const EVENT_COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at, prev_hash, hash';

export type EventRow = [
  position: bigint,
  streamId: string,
  revision: bigint,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
  prevHash: string,
  hash: string,
];

export function toRecorded(r: EventRow): RecordedEvent {
  return {
    eventId: r[3],
    type: r[4],
    streamId: r[1],
    revision: r[2],
    position: r[0],
    recordedAt: r[7],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]),
    prevHash: r[8],
    hash: r[9],
  };
}
