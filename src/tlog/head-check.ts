import type { EventStore } from '../store/port.js';
import type { LogEntry, TransparencyLog } from './log.js';
import { openCheckpoint } from './note.js';

export interface LogProblem {
  reason: string;
  leafIndex?: number;
  position?: string;
  streamId?: string;
  revision?: string;
}

export interface LogVerdict {
  ok: boolean;
  /** Leaves in the log. */
  size: number;
  /** The signed head: the newest checkpoint. */
  head: { size: number; root: string; signedAt: string } | null;
  problem?: LogProblem;
}

const at = (e: LogEntry & { index: number }): Omit<LogProblem, 'reason'> => ({ leafIndex: e.index, position: e.position.toString(), streamId: e.streamId, revision: e.revision.toString() });

/** The signed head verifies with the log's key and the stored tree still has its root. */
export function checkHead(log: TransparencyLog): LogProblem | undefined {
  const head = log.head();
  if (!head) return undefined;
  const opened = openCheckpoint(head.note, log.verifier);
  if (!opened.ok) return { reason: `the log's signed head does not verify: ${opened.reason}` };
  if (opened.checkpoint.size !== head.size || !opened.checkpoint.root.equals(head.root)) return { reason: "the log's signed head does not say what its row says (the log file was altered)" };
  if (head.size > log.size) return { reason: `the log's tree has ${log.size} leaves, fewer than the ${head.size} its signed head covers (the log file was altered)` };
  if (!log.root(head.size).equals(head.root)) return { reason: `the log's tree at size ${head.size} does not have its signed head's root (the log file was altered)` };
  return undefined;
}

/**
 * Walks the store's `$all` beside the log's leaves and names the first event where they part: one
 * the log holds that the store no longer has (a deleted event, or a deleted tail), one whose hash
 * differs (an edited event), or one the store has between two the log holds (an inserted event).
 * Events past the log's last leaf are not a problem: the log follows the store.
 */
export async function compareWithStore(store: EventStore, log: TransparencyLog): Promise<LogProblem | undefined> {
  const leaves = log.entries();
  let leaf = leaves.next();
  for await (const e of store.readAll()) {
    if (leaf.done) return undefined;
    const l = leaf.value;
    if (e.position < l.position) {
      return { reason: `stream ${e.streamId} revision ${e.revision} (position ${e.position}) is not in the log: it was inserted before leaf ${l.index}`, position: e.position.toString(), streamId: e.streamId, revision: e.revision.toString() };
    }
    if (e.position > l.position) return missing(log, l);
    if (e.hash !== l.hash) {
      return { reason: `stream ${l.streamId} revision ${l.revision} (position ${l.position}, leaf ${l.index}) is not the event the log holds: the event was altered or replaced`, ...at(l) };
    }
    leaf = leaves.next();
  }
  return leaf.done ? undefined : missing(log, leaf.value);
}

function missing(log: TransparencyLog, l: LogEntry & { index: number }): LogProblem {
  const after = log.size - l.index - 1;
  return {
    reason: `stream ${l.streamId} revision ${l.revision} (position ${l.position}, leaf ${l.index}) is in the log but missing from the store: the event was deleted${after > 0 ? ` (and the log holds ${after} leaves after it)` : ' (it was the last the log holds)'}`,
    ...at(l),
  };
}

/**
 * The start-up check, cheap at any size: the signed head, the log's last leaf against the store,
 * and (where the store counts cheaply) as many events up to it as the log has leaves. On a
 * mismatch, the walk of `compareWithStore` names the event.
 */
export async function quickCheck(store: EventStore, log: TransparencyLog): Promise<LogVerdict> {
  const fail = async (problem: LogProblem | undefined) => verdict(log, problem ?? (await compareWithStore(store, log)) ?? { reason: 'the store and the log disagree on how many events there are' });
  const headProblem = checkHead(log);
  if (headProblem) return verdict(log, headProblem);
  if (log.size === 0) return verdict(log, undefined);
  const last = log.entry(log.size - 1)!;
  let found = false;
  for await (const e of store.readAll({ fromPosition: last.position, maxCount: 1 })) found = e.position === last.position && e.hash === last.hash;
  if (!found) return fail(undefined);
  if (store.countEvents && (await store.countEvents(last.position)) !== log.size) return fail(undefined);
  return verdict(log, undefined);
}

/** The full check of `verify-chain` and the integrity route: the head, then every leaf against the store. */
export async function fullCheck(store: EventStore, log: TransparencyLog): Promise<LogVerdict> {
  return verdict(log, checkHead(log) ?? (await compareWithStore(store, log)));
}

function verdict(log: TransparencyLog, problem: LogProblem | undefined): LogVerdict {
  const head = log.head();
  return {
    ok: !problem,
    size: log.size,
    head: head ? { size: head.size, root: head.root.toString('base64'), signedAt: head.signedAt } : null,
    ...(problem ? { problem } : {}),
  };
}
