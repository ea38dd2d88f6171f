import { Agent, request } from 'undici';
import type { FeedItem } from '../../src/feed/entry.js';

/** One frame of the feed as a consumer parses it. */
export type FeedFrame = { kind: 'item'; item: FeedItem; id?: string } | { kind: 'heartbeat'; scanned: string } | { kind: 'retry'; ms: number };

/**
 * A test consumer of `GET /v1/feed` over a real socket: it parses SSE or NDJSON as it arrives and
 * hands frames out in order.
 */
export class FeedReader {
  private frames: FeedFrame[] = [];
  private waiters: (() => void)[] = [];
  private text = '';
  ended = false;
  /** Every chunk of the body as received, to check the framing byte for byte. */
  raw = '';

  private constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly body: NodeJS.ReadableStream & { destroy(): void },
    readonly format: 'sse' | 'ndjson',
    private readonly agent: Agent,
  ) {
    body.setEncoding('utf8');
    body.on('data', (chunk: string) => {
      this.raw += chunk;
      this.text += chunk;
      this.parse();
    });
    const end = () => {
      this.ended = true;
      this.wake();
    };
    body.on('end', end);
    body.on('error', end);
    body.on('close', end);
  }

  static async open(base: string, token: string | undefined, query = '', headers: Record<string, string> = {}): Promise<FeedReader> {
    // One connection of its own: closing the reader closes it, as a consumer that goes away does.
    const agent = new Agent({ connections: 1 });
    const res = await request(`${base}/v1/feed${query ? `?${query}` : ''}`, {
      dispatcher: agent,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
    const type = String(res.headers['content-type'] ?? '');
    return new FeedReader(res.statusCode, res.headers, res.body as never, type.startsWith('text/event-stream') ? 'sse' : 'ndjson', agent);
  }

  private parse(): void {
    const sep = this.format === 'sse' ? '\n\n' : '\n';
    for (let at = this.text.indexOf(sep); at >= 0; at = this.text.indexOf(sep)) {
      const block = this.text.slice(0, at);
      this.text = this.text.slice(at + sep.length);
      const f = this.format === 'sse' ? parseSse(block) : parseNdjson(block);
      if (f) this.frames.push(f);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next frame, or undefined once the stream ended or `timeoutMs` passed. */
  async frame(timeoutMs = 5000): Promise<FeedFrame | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift();
  }

  /** The next `n` items (heartbeats and retry lines skipped); fails when they do not come in time. */
  async items(n: number, timeoutMs = 5000): Promise<(FeedItem & { sseId?: string })[]> {
    const out: (FeedItem & { sseId?: string })[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < n) {
      const f = await this.frame(deadline - Date.now());
      if (!f) throw new Error(`got ${out.length} of ${n} items before ${this.ended ? 'the end' : 'the timeout'}`);
      if (f.kind === 'item') out.push(f.id === undefined ? f.item : { ...f.item, sseId: f.id });
    }
    return out;
  }

  /** Items that arrive within `ms` (none expected, usually). */
  async itemsWithin(ms: number): Promise<FeedItem[]> {
    const out: FeedItem[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const f = await this.frame(deadline - Date.now());
      if (!f) return out;
      if (f.kind === 'item') out.push(f.item);
    }
  }

  close(): void {
    this.body.destroy();
    void this.agent.destroy();
  }
}

function parseSse(block: string): FeedFrame | undefined {
  let id: string | undefined;
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(': heartbeat ')) return { kind: 'heartbeat', scanned: line.slice(': heartbeat '.length) };
    if (line.startsWith('retry: ')) return { kind: 'retry', ms: Number(line.slice(7)) };
    if (line.startsWith('id: ')) id = line.slice(4);
    if (line.startsWith('data: ')) data = line.slice(6);
  }
  if (data === undefined) return undefined;
  return id === undefined ? { kind: 'item', item: JSON.parse(data) as FeedItem } : { kind: 'item', item: JSON.parse(data) as FeedItem, id };
}

function parseNdjson(line: string): FeedFrame | undefined {
  if (line.length === 0) return undefined;
  const v = JSON.parse(line) as FeedItem & { heartbeat?: string; scanned?: string };
  return v.heartbeat !== undefined ? { kind: 'heartbeat', scanned: v.scanned! } : { kind: 'item', item: v };
}
