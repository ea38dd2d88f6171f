import type { FeedEntry } from './entry.js';

export type FeedFormat = 'sse' | 'ndjson';

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  sse: 'text/event-stream; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

/**
 * SSE: `id:` is the position, so an EventSource that reconnects sends it back as Last-Event-ID;
 * no `event:` field, so `onmessage` receives every item. The JSON has no raw line breaks (they
 * are escaped), so one `data:` line carries it. NDJSON: one item per line.
 */
export function frame(entry: FeedEntry, format: FeedFormat): string {
  return format === 'sse' ? `id: ${entry.position}\ndata: ${entry.json}\n\n` : `${entry.json}\n`;
}

/** What opens the stream: SSE tells the browser how long to wait before reconnecting. */
export function preamble(format: FeedFormat, retryMs: number): string {
  return format === 'sse' ? `retry: ${retryMs}\n\n` : '';
}

/**
 * Sent when nothing else was for a while, so proxies keep the connection and the consumer knows the
 * server is there. It says how far the feed has looked (`scanned`): past that position nothing
 * matched this consumer's filters, so a consumer may resume from there. In SSE it is a comment,
 * which EventSource ignores (it does not move Last-Event-ID); in NDJSON a line without `position`.
 */
export function heartbeat(format: FeedFormat, scanned: bigint, at: Date): string {
  return format === 'sse' ? `: heartbeat ${scanned}\n\n` : `${JSON.stringify({ heartbeat: at.toISOString(), scanned: scanned.toString() })}\n`;
}
