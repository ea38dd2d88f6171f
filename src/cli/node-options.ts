import { spawnSync } from 'node:child_process';

/**
 * V8 options of a rebuild: a young generation of up to 64 MB per semi-space (V8's default is 16).
 * A rebuild allocates a page of events and the records of the persons it folds for every batch;
 * with the default, much of that outlived the young generation, and rebuilds ran ~15% slower
 * (measured in interleaved runs on 1 M events). A server keeps V8's default: a request's allocations
 * die young, and verification measured no better with it.
 */
export const REBUILD_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=64'];

export function runsWith(options: readonly string[]): boolean {
  return options.every((o) => process.execArgv.includes(o));
}

/** Runs this process's command again in a child Node with `options`, and returns its exit code. */
export function rerunWith(options: readonly string[]): number {
  const child = spawnSync(process.execPath, [...process.execArgv, ...options, ...process.argv.slice(1)], { stdio: 'inherit' });
  return child.status ?? 1;
}
