import type { RecordedEvent, StoredEventText } from '../store/port.js';
import type { JurisdictionMask } from './scope.js';

/**
 * One item of the feed as a consumer receives it: the event as stored, with the integrity fields
 * and the metadata that the hash covers, so that a consumer can re-check every chain it receives
 * (`hash` is SHA-256 over the RFC 8785 JSON of data, eventId, metadata, prevHash, recordedAt,
 * revision, stream and type). Positions and revisions are decimal strings: they are 64-bit.
 */
export interface FeedItem {
  position: string;
  stream: string;
  revision: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  actorRole: string | null;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
  prevHash: string;
  hash: string;
}

type ItemMetadata = { schemaVersion?: unknown; actor?: { role?: unknown } };
const schemaVersionOf = (meta: ItemMetadata) => (typeof meta.schemaVersion === 'number' ? meta.schemaVersion : 1);
const actorRoleOf = (meta: ItemMetadata) => (typeof meta.actor?.role === 'string' ? meta.actor.role : null);

export function feedItem(e: RecordedEvent): FeedItem {
  const meta = e.metadata as ItemMetadata;
  return {
    position: e.position.toString(),
    stream: e.streamId,
    revision: e.revision.toString(),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: schemaVersionOf(meta),
    recordedAt: e.recordedAt,
    actorRole: actorRoleOf(meta),
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** An event ready to send: serialised once, whatever the number of consumers it goes to. */
export interface FeedEntry {
  position: bigint;
  type: string;
  /** The jurisdictions it belongs to; 0 when it belongs to none (or when no consumer asked). */
  mask: JurisdictionMask;
  json: string;
}

export function feedEntry(e: RecordedEvent, mask: JurisdictionMask): FeedEntry {
  return { position: e.position, type: e.type, mask, json: JSON.stringify(feedItem(e)) };
}

/**
 * The same item from the stored text: data and metadata go out as the canonical JSON they are kept
 * in, which is what JSON.stringify would write of them parsed, without parsing the data at all.
 */
export function feedEntryFromText(e: StoredEventText, mask: JurisdictionMask): FeedEntry {
  const meta = JSON.parse(e.metadataJson) as ItemMetadata;
  const q = JSON.stringify;
  const json =
    `{"position":"${e.position}","stream":${q(e.streamId)},"revision":"${e.revision}","eventId":${q(e.eventId)},"type":${q(e.type)},` +
    `"schemaVersion":${schemaVersionOf(meta)},"recordedAt":${q(e.recordedAt)},"actorRole":${q(actorRoleOf(meta))},` +
    `"data":${e.dataJson},"metadata":${e.metadataJson},"prevHash":${q(e.prevHash)},"hash":${q(e.hash)}}`;
  return { position: e.position, type: e.type, mask, json };
}
