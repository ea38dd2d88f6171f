import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from './http-load.js';
import type { LoadOptions, LoadResult } from './http-load.js';

/**
 * Runs the load from a fresh process of its own, warm-up first, so the client is as fast for
 * every server measured: in the process that generated the data, autocannon shares a large heap
 * and its collections, and slows to where it, not the server, sets the figure.
 */
export function loadInChild(o: LoadOptions, warmupSeconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load process exited with ${code}`))));
    child.stdin.end(JSON.stringify({ o, warmupSeconds }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const { o, warmupSeconds } = JSON.parse(input) as { o: LoadOptions; warmupSeconds: number };
  if (warmupSeconds > 0) await load({ ...o, durationSeconds: warmupSeconds });
  process.stdout.write(JSON.stringify(await load(o)));
}
