import { execSync } from 'node:child_process';
import os from 'node:os';

/** What a benchmark figure was measured on: it means little without the machine and the commit. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const ram = Math.round(os.totalmem() / 2 ** 30);
  return `${cpus.length} cores (${model}), ${ram} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export function commitId(): string {
  try {
    return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function runHeader(command: string): string {
  return [
    `- date: ${new Date().toISOString()}`,
    `- commit: ${commitId()}`,
    `- machine: ${machineLine()}`,
    `- command: \`${command}\``,
  ].join('\n');
}
