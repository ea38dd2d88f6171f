import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { registeredProjections } from '../../projections/index.js';
import { listModels, listPage } from '../../projections/json-lists.js';
import type { ListName } from '../../projections/json-lists.js';
import type { CursorKey } from '../../projections/paging.js';
import type { RuleOptions } from '../rules/rule-set.js';

/**
 * A reader thread: pages of the JSON lists, read on a read-only connection of its own to the
 * read-model database, so a list's SQL does not hold up the thread that answers HTTP. It reads only
 * committed tables, as the main thread's lists do.
 */
export interface PageRequest {
  id: number;
  name: ListName;
  args: unknown;
  limit: number;
  after?: CursorKey;
}

export type PageReply =
  | { id: number; joined: Uint8Array; nextCursor: string | null; nextKey?: CursorKey }
  | { id: number; error: string };

const port = parentPort!;
const { file, rules } = workerData as { file: string; rules?: RuleOptions };
const db = new Database(file, { readonly: true });
db.pragma('cache_size = -65536');
db.pragma('busy_timeout = 5000');
const projections = registeredProjections(rules ? { rules } : {});
const built = new Map<string, unknown>();
const models = listModels((name) => {
  if (!built.has(name)) built.set(name, projections.find((p) => p.name === name)!.queries(db));
  return built.get(name);
});
port.postMessage('ready');

// The pool ends a reader by terminating it: the connection is read-only, nothing is left to write.
port.on('message', (msg: PageRequest) => {
  let reply: PageReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const page = listPage(models, msg.name, msg.args as never, msg.limit, msg.after);
    const bytes = page.joined;
    // SQLite's blob comes in a buffer of its own: handed over, not copied, unless it is a slice of a shared one.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const joined = own ? bytes : Uint8Array.prototype.slice.call(bytes);
    if (joined.byteLength > 0) transfer.push(joined.buffer as ArrayBuffer);
    reply = { id: msg.id, joined, nextCursor: page.nextCursor, ...(page.nextKey ? { nextKey: page.nextKey } : {}) };
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply, transfer);
});
