import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load } from './http-load.js';
import type { LoadOptions, LoadResult } from './http-load.js';

/**
 * Runs loads one after the other from a fresh process of its own, after unmeasured warm-up loads,
 * so the client is equally fast for every server it measures: in the process that generated the
 * data, autocannon shares a large heap and its collections, and slows to where it, not the server,
 * sets the figure.
 */
export function loadsInChild(warmups: LoadOptions[], loads: LoadOptions[]): Promise<LoadResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult[]) : reject(new Error(`load process exited with ${code}`))));
    child.stdin.end(JSON.stringify({ warmups, loads }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const { warmups, loads } = JSON.parse(input) as { warmups: LoadOptions[]; loads: LoadOptions[] };
  for (const o of warmups) await load(o);
  const results: LoadResult[] = [];
  for (const o of loads) results.push(await load(o));
  process.stdout.write(JSON.stringify(results));
}
