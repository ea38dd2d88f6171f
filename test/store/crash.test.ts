import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDir } from '../support/tmp.js';

const child = fileURLToPath(new URL('../support/crash-child.ts', import.meta.url));

/** Runs the appender child, SIGKILLs it after `killAfterMs`, returns every append it acknowledged. */
function runAndKill(file: string, run: number, killAfterMs: number): Promise<{ stream: string; ids: string[] }[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import=tsx', child, file, String(run)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.startsWith('ready') && !proc.killed) {
        setTimeout(() => proc.kill('SIGKILL'), killAfterMs).unref();
        buffer = buffer.slice(buffer.indexOf('\n') + 1);
        proc.stdout.removeAllListeners('data');
        proc.stdout.on('data', (c: Buffer) => (buffer += c.toString()));
      }
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`child exited without being killed (${signal})`));
      // A line cut by the kill was never fully acknowledged: keep complete lines only.
      const lines = buffer.split('\n').slice(0, -1).filter(Boolean);
      resolve(lines.map((l) => JSON.parse(l) as { stream: string; ids: string[] }));
    });
  });
}

t.test('SIGKILL at a random moment loses no acknowledged event and leaves no partial append', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  let acknowledged = 0;
  for (let round = 0; round < 3; round++) {
    const acks = await runAndKill(file, round, 300 + Math.floor(Math.random() * 900));
    acknowledged += acks.length;
    const store = SqliteEventStore.open({ file });
    try {
      const byId = new Map<string, { streamId: string; data: Record<string, unknown> }>();
      const groups = new Map<string, number>();
      for await (const e of store.readAll()) {
        byId.set(e.eventId, e);
        const key = `${e.data.run}/${e.data.worker}/${e.data.n}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      const missing = acks.flatMap((a) => a.ids).filter((id) => !byId.has(id));
      t.same(missing, [], `round ${round}: all ${acks.length} acknowledged appends are present`);
      const partial = [...groups.entries()].filter(([key, count]) => count !== 1 + (Number(key.split('/')[2]) % 3));
      t.same(partial, [], `round ${round}: every append is whole`);
      t.same((await store.verifyAll()).ok, true, `round ${round}: every chain verifies`);
    } finally {
      await store.close();
    }
  }
  t.ok(acknowledged > 0, `${acknowledged} acknowledged appends were checked`);
});
