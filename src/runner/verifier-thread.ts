import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '../store/sqlite/sqlite-store.js';
import { TransparencyLog } from '../tlog/log.js';
import { BrokenLinkError, FoldGuard } from './fold-guard.js';

/**
 * The verifier thread of a long catch-up: it reads `$all` on its own connection, checks each
 * event's hash and chain link, and reports how far it has checked (with what the log takes of each
 * event), at most a few pages ahead of what the fold thread has taken. The fold thread commits no
 * batch past the checked position, so a broken link still stops the read side before it.
 */
const port = parentPort!;
const { file, from, pageSize, ahead, withEvents, logFile } = workerData as { file: string; from: string; pageSize: number; ahead: number; withEvents: boolean; logFile?: string };
const store = SqliteEventStore.open({ file });
/** The bulk log this thread appends to, opened where the fold thread left it. */
const log = logFile === undefined ? undefined : TransparencyLog.open({ file: logFile, bulk: true });
let next = BigInt(from);
let credit = ahead;
let running = false;
let done = false;

/** What the log takes of an event, as the message to the fold thread carries it. */
const linked = (position: bigint, streamId: string, revision: bigint, hash: string) => [position.toString(), streamId, revision.toString(), hash];

async function pump(): Promise<void> {
  if (running || done) return;
  running = true;
  try {
    while (credit > 0 && !done) {
      // A page is checked inside SQLite; only one that does not pass there is read event by event,
      // to name its first broken link.
      const quick = await store.checkPageInPlace(next, pageSize);
      if (quick.holds && quick.count > 0) {
        const links = withEvents || log ? await store.linksBetween(next, quick.last) : [];
        if (log) for (const [position, streamId, revision, hash] of links) log.append({ position, streamId, revision, hash });
        const events = withEvents ? links.map(([p, s, r, h]) => linked(p, s, r, h)) : [];
        credit--;
        next = quick.last + 1n;
        port.postMessage({ to: quick.last.toString(), events });
        continue;
      }
      const page = await store.readLinkPage(next, pageSize);
      if (page.length === 0) {
        done = true;
        port.postMessage({ done: (next - 1n).toString() });
        break;
      }
      // A guard of its own: the pages before were checked in SQLite, so it reads each stream's
      // previous event from the store.
      await new FoldGuard(store).check(page);
      if (log) for (const e of page) log.append(e);
      credit--;
      next = page[page.length - 1]!.position + 1n;
      port.postMessage({ to: (next - 1n).toString(), events: withEvents ? page.map((e) => linked(e.position, e.streamId, e.revision, e.hash)) : [] });
    }
  } catch (err) {
    done = true;
    if (err instanceof BrokenLinkError) {
      const b = err.broken;
      port.postMessage({ broken: { streamId: b.streamId, revision: b.revision.toString(), position: b.position.toString(), reason: b.reason } });
    } else port.postMessage({ failed: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  } finally {
    running = false;
  }
}

port.on('message', (msg: 'more' | 'close') => {
  if (msg === 'close') {
    done = true;
    // Reported only once the log is committed and synced: the fold thread goes on from there.
    log?.close();
    if (log) port.postMessage({ closed: log.lastPosition.toString() });
    void store.close().then(() => port.close());
    return;
  }
  credit++;
  void pump();
});
void pump();
