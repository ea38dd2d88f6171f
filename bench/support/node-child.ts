import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `ledger` command's entry point, as built. */
export const LEDGER_MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A Node script in a child process of its own with `nodeOptions`; resolves with its stdout once it exits 0. */
export function runNode(args: readonly string[], nodeOptions: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}
