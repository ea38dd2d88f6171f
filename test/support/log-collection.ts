import { appendFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where every log line of a test run is collected, so that the run can be grepped for ID numbers
 * once all test files are done (tap's `after`: test/log-grep/after.ts; its `before` empties it).
 * `CELEDGER_LOG_COLLECT` names another directory; `.tap/log-lines` otherwise.
 */
export const LOG_COLLECTION_DIR = resolve(process.env.CELEDGER_LOG_COLLECT ?? fileURLToPath(new URL('../../.tap/log-lines', import.meta.url)));

/** Collected only in test processes that tap runs (it sets TAP=1), each to its own file, so files running in parallel never interleave. */
const dir = process.env.TAP === '1' ? LOG_COLLECTION_DIR : undefined;

export const logCollectionFile = dir ? join(dir, `${process.pid}.ndjson`) : undefined;

let made = false;

/** Appends log lines (each ends with a newline, as pino writes them) to this process's file. */
export function collectLogLines(text: string): void {
  if (!logCollectionFile || text.length === 0) return;
  if (!made) {
    mkdirSync(dir!, { recursive: true });
    made = true;
  }
  appendFileSync(logCollectionFile, text.endsWith('\n') ? text : `${text}\n`);
}
