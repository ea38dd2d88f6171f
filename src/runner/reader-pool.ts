import type { Worker } from 'node:worker_threads';
import { listPage } from '../../projections/json-lists.js';
import type { ListArgs, ListModels, ListName, ListPage } from '../../projections/json-lists.js';
import { JsonPage } from '../../projections/paging.js';
import type { CursorKey } from '../../projections/paging.js';
import type { RuleOptions } from '../rules/rule-set.js';
import { startThread } from '../threads/start-thread.js';
import type { PageReply, PageRequest } from './reader-thread.js';

/** Pages of the JSON lists, read where they cost the HTTP thread least. */
export interface ListReader {
  page<K extends ListName>(name: K, args: ListArgs<K>, limit: number, after?: CursorKey): Promise<ListPage<K>>;
  close(): Promise<void>;
}

/**
 * Reads on the calling thread: tests, an in-memory database, or a server told to keep no reader
 * threads. The models are looked up at the first page (a read side may keep other projections).
 */
export function localLists(models: () => ListModels): ListReader {
  let built: ListModels | undefined;
  return {
    page: async (name, args, limit, after) => listPage((built ??= models()), name, args, limit, after),
    close: async () => {},
  };
}

interface Reader {
  worker: Worker;
  pending: Map<number, { resolve: (page: JsonPage<unknown>) => void; reject: (err: Error) => void }>;
  /** It opened the database and answers. */
  ready: boolean;
}

/**
 * Reader threads, each with its own connection to the read-model database: a list's SQL runs there
 * while the main thread parses, authenticates and writes the next requests. A page goes to the
 * thread with the fewest pages in hand; a thread that fails fails its pages (answered 500) and is
 * started again. A thread that could not start is not started again: while none answers, the
 * pages are read by `fallback`, on the calling thread.
 */
export class ReaderPool implements ListReader {
  private readonly readers: Reader[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    threads: number,
    private readonly fallback: ListReader,
    private readonly rules?: RuleOptions,
  ) {
    for (let i = 0; i < threads; i++) this.readers.push(this.start());
  }

  private start(): Reader {
    const worker = startThread(import.meta.url, 'reader-thread', { file: this.file, ...(this.rules ? { rules: this.rules } : {}) });
    const reader: Reader = { worker, pending: new Map(), ready: false };
    worker.on('message', (reply: PageReply | 'ready') => {
      if (reply === 'ready') {
        reader.ready = true;
        return;
      }
      const p = reader.pending.get(reply.id);
      if (!p) return;
      reader.pending.delete(reply.id);
      if (reader.pending.size === 0) worker.unref();
      if ('error' in reply) p.reject(new Error(`reader thread: ${reply.error}`));
      else p.resolve(new JsonPage(Buffer.from(reply.joined.buffer, reply.joined.byteOffset, reply.joined.byteLength), reply.nextCursor, reply.nextKey));
    });
    const fail = (err: Error) => {
      for (const p of reader.pending.values()) p.reject(err);
      reader.pending.clear();
      const i = this.readers.indexOf(reader);
      if (i < 0) return;
      if (reader.ready && !this.closed) this.readers[i] = this.start();
      else this.readers.splice(i, 1);
    };
    worker.on('error', (err) => fail(new Error(`reader thread: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`reader thread exited with ${code}`)));
    // Idle, a reader does not keep the process alive; with pages in hand it does.
    worker.unref();
    return reader;
  }

  page<K extends ListName>(name: K, args: ListArgs<K>, limit: number, after?: CursorKey): Promise<ListPage<K>> {
    if (this.closed) return Promise.reject(new Error('the read side is closed'));
    if (this.readers.length === 0) return this.fallback.page(name, args, limit, after);
    let reader = this.readers[0]!;
    for (const r of this.readers) if (r.pending.size < reader.pending.size) reader = r;
    const id = ++this.nextId;
    const request: PageRequest = { id, name, args, limit, ...(after ? { after } : {}) };
    return new Promise((resolve, reject) => {
      if (reader.pending.size === 0) reader.worker.ref();
      reader.pending.set(id, { resolve: resolve as (page: JsonPage<unknown>) => void, reject });
      reader.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.readers.map((r) => r.worker.terminate()));
    await this.fallback.close();
  }
}
