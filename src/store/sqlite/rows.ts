import { hashEvent } from '../integrity.js';
import type { RecordedEvent, StoredEventText } from '../port.js';

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

/** A row with its data and metadata left as the canonical text they are stored as. */
export function toStoredText(r: EventRow): StoredEventText {
  return { position: r[0], streamId: r[1], revision: r[2], eventId: r[3], type: r[4], dataJson: r[5], metadataJson: r[6], recordedAt: r[7], prevHash: r[8], hash: r[9] };
}

/** The hash a row's content gives, from its stored canonical text (no re-serialising), to hold against its `hash`. */
export function recomputeRowHash(r: EventRow): string {
  return hashEvent({ streamId: r[1], revision: r[2], eventId: r[3], type: r[4], dataJson: r[5], metadataJson: r[6], recordedAt: r[7], prevHash: r[8] });
}

/**
 * hashEvent's text, assembled by SQLite as a BLOB of its UTF-8 bytes: a verifier hashes it without
 * decoding the event into JavaScript strings and encoding it back. json_quote writes the same
 * literal as JSON.stringify for every string an append accepts; where it would not (a value edited
 * to hold a control character), the hash differs and the row is re-hashed from its columns.
 */
const CANONICAL_TEXT = `'{"data":' || data || ',"eventId":' || json_quote(event_id) || ',"metadata":' || metadata ||
  ',"prevHash":' || json_quote(prev_hash) || ',"recordedAt":' || json_quote(recorded_at) || ',"revision":"' || revision ||
  '","streamId":' || json_quote(stream_id) || ',"type":' || json_quote(type) || '}'`;
export const CANONICAL_TEXT_SQL = `CAST(${CANONICAL_TEXT} AS BLOB)`;

/**
 * A page's size and last position, its canonical texts in one BLOB, each followed by a newline
 * (which no stored JSON holds: a text that does splits into more pieces than the page has rows),
 * the rows' hashes in one string, in position order, and the shortest and longest of them: only
 * when every one is 64 characters does the i-th 64 of the string belong to the i-th row (a longer
 * one here and a shorter one there would shift the rows between them onto their neighbours'
 * hashes). Parameters: the page's first position and its most rows.
 */
export const PAGE_TEXTS_SQL = `SELECT count(*), max(position), group_concat(hash, ''), CAST(group_concat(${CANONICAL_TEXT} || char(10), '') AS BLOB), min(length(hash)), max(length(hash))
  FROM (SELECT * FROM events WHERE position >= ? ORDER BY position LIMIT ?)`;

/**
 * The first event of a page whose chain link does not hold: at revision 0 a prevHash other than the
 * genesis hash; later, no previous revision of its stream stored before it, or a prevHash other than
 * that event's hash. A stream's events mostly follow one another in `$all`, so the event just before
 * is looked up by position first, and the stream's index is searched only when it is another
 * stream's. Parameters: the page's first and last position, the genesis hash.
 */
export const BROKEN_LINK_SQL = `SELECT e.position FROM events e LEFT JOIN events b ON b.position = e.position - 1
  WHERE e.position BETWEEN ? AND ?
    AND CASE WHEN e.revision = 0 THEN e.prev_hash IS NOT ?
      WHEN b.stream_id = e.stream_id AND b.revision = e.revision - 1 THEN b.hash IS NOT e.prev_hash
      ELSE NOT EXISTS (SELECT 1 FROM events p WHERE p.stream_id = e.stream_id AND p.revision = e.revision - 1 AND p.position < e.position AND p.hash = e.prev_hash) END
  ORDER BY e.position LIMIT 1`;

/** Column order of a link page: what a chain check needs, and the canonical text to hash. */
export type LinkRow = [position: bigint, streamId: string, revision: bigint, prevHash: string, hash: string, text: Buffer];
