import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * V8 options of a rebuild: a young generation of 64 MB per semi-space from the start, allowed to
 * grow to 128 (V8's default is 16), and an old generation allowed 1 GB before its first full
 * collection. A rebuild allocates a page of events and the records of the persons it folds for every
 * batch; with smaller spaces much of that outlived the young generation and was marked again and
 * again in the old one (interleaved runs on 1 M events: BENCHMARKS.md).
 */
export const REBUILD_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=128', '--min-semi-space-size=64', '--initial-old-space-size=1024'];

/**
 * V8 options of `ledger serve` (`npm start` and the benchmarks pass them): a young generation of
 * 64 MB per semi-space from the start, and an old generation allowed 512 MB before its first full
 * collection. With V8's defaults the server's small old generation sat so close to its limit that
 * V8 marked and compacted it several times a second under load, each time pausing every request in
 * flight: most of the lists' p99 (BENCHMARKS.md). With these, a request's garbage dies young.
 */
export const SERVE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=64', '--min-semi-space-size=64', '--initial-old-space-size=512'];

/** Signals an operator or a supervisor sends the wrapper; each is passed on to the child. */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function runsWith(options: readonly string[]): boolean {
  return options.every((o) => process.execArgv.includes(o));
}

/**
 * Runs this process's command again in a child Node with `options`, and resolves with its exit code
 * (128 + the signal's number when a signal ended it). The child ends with this process however it
 * ends: signals are forwarded, and the child watches its IPC channel (`endWithParent`), which closes
 * when this process dies, kill -9 included.
 */
export function rerunWith(options: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...options, ...process.argv.slice(1)], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  return new Promise((resolve) => {
    const done = (code: number) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code, signal) => done(code ?? (signal ? 128 + constants.signals[signal] : 1)));
  });
}

/**
 * In a child started by `rerunWith`: exits as soon as the parent is gone, before or while working.
 * Returns what to call once the work is done, so the channel no longer holds the process open.
 */
export function endWithParent(): () => void {
  if (!process.send) return () => {};
  const orphaned = () => process.exit(1);
  if (!process.connected) orphaned();
  process.once('disconnect', orphaned);
  return () => {
    process.off('disconnect', orphaned);
    if (process.connected) process.disconnect();
  };
}
