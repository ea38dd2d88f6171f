import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVE_NODE_OPTIONS } from '../../src/cli/node-options.js';

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const LISTENING = /listening at (http:\/\/127\.0\.0\.1:\d+)/i;

/** Starts a server process and resolves once it logs the address it listens on (loopback only). */
export function startChild(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 30_000): Promise<ChildServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server ${args.join(' ')} did not start in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => reject(new Error(`server ${args.join(' ')} exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = LISTENING.exec(buffer);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        url: m[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The Fastify hello-world ceiling server, in its own process, with the same V8 options as the server. */
export function startHelloWorld(): Promise<ChildServer> {
  return startChild([...SERVE_NODE_OPTIONS, fileURLToPath(new URL('./hello-server.js', import.meta.url))]);
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * `ledger serve` on a data dir, in its own process with the server's V8 options (as `npm start`),
 * logging warnings only (request logs would cost the server time the benchmark should not count);
 * ready once `/health` answers.
 */
export async function startLedger(dataDir: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<ChildServer> {
  const port = await freePort();
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const child = spawn(process.execPath, [...SERVE_NODE_OPTIONS, main, 'serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ledger serve exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('ledger serve did not become ready');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
