import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from './http-load.js';
import type { LoadOptions, LoadResult } from './http-load.js';

/** Whether Debian's `wrk` is installed (`apt-get install wrk`). */
export function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk prints its version and exits 1; only a missing binary is ENOENT.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

const ascii = (s: string) => {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new Error(`wrk scripts take printable ASCII only: ${s}`);
  return JSON.stringify(s);
};

/** The Lua script: each request the next of `paths`, with `headers`; the summary printed as one line. */
function script(paths: string[], headers: Record<string, string>): string {
  const head = Object.entries(headers)
    .map(([k, v]) => `[${ascii(k)}] = ${ascii(v)}`)
    .join(', ');
  return [
    `local paths = { ${paths.map(ascii).join(', ')} }`,
    'local i = 0',
    'request = function()',
    '  i = i + 1',
    `  return wrk.format("GET", paths[(i % #paths) + 1], { ${head} })`,
    'end',
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %.0f %.0f\\n", summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  ].join('\n');
}

/**
 * GET load from Debian's wrk (C, one thread), in place of autocannon: on two cores shared with the
 * server, the generator's own CPU per request is taken from the server it measures, and wrk's is a
 * fraction of autocannon's (BENCHMARKS.md, list views). Same options and result as `load`; bounded
 * in time and aimed at loopback only.
 */
export async function wrkLoad(o: LoadOptions): Promise<LoadResult> {
  const url = new URL(o.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('load tests target loopback only');
  if ((o.method ?? 'GET') !== 'GET' || o.body !== undefined) throw new Error('wrkLoad sends GET requests only');
  const requests = o.requests ?? [{ path: url.pathname + url.search }];
  const headers = { ...(o.headers ?? {}), ...((requests[0]?.headers as Record<string, string> | undefined) ?? {}) };
  if (requests.some((r) => JSON.stringify(r.headers ?? {}) !== JSON.stringify(requests[0]!.headers ?? {}))) throw new Error('wrkLoad sends the same headers on every request');
  const dir = mkdtempSync(join(tmpdir(), 'celedger-wrk-'));
  try {
    const file = join(dir, 'requests.lua');
    writeFileSync(file, script(requests.map((r) => r.path ?? '/'), headers));
    const args = ['-t1', `-c${o.connections ?? 64}`, `-d${o.durationSeconds ?? 10}s`, '--timeout', '10s', '-s', file, url.origin];
    const out = await new Promise<string>((resolve, reject) => execFile('wrk', args, { timeout: ((o.durationSeconds ?? 10) + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
    const m = /RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)/.exec(out);
    if (!m) throw new Error(`wrk printed no summary: ${out}`);
    const [total, micros, p50, p99, non2xx, errors] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    // Milliseconds to a hundredth, as wrk measures them in microseconds.
    return { requestsPerSecond: total / (micros / 1e6), p50: Math.round(p50 / 10) / 100, p99: Math.round(p99 / 10) / 100, errors, non2xx, total };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** wrk when it is installed, autocannon otherwise; `generator` names the one used. */
export function gentlestLoad(): { generator: 'wrk' | 'autocannon'; load: (o: LoadOptions) => Promise<LoadResult> } {
  if (process.env.BENCH_LOAD !== 'autocannon' && wrkInstalled()) return { generator: 'wrk', load: wrkLoad };
  return { generator: 'autocannon', load };
}
