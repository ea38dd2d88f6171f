import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { BrokenLinkError, FoldGuard } from '../../src/runner/fold-guard.js';
import { openReadSide } from '../../src/runner/read-side.js';
import type { LinkedEvent } from '../../src/runner/runner.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { tempDir } from '../support/tmp.js';

async function storeWithWorkload(dir: string) {
  const file = join(dir, 'events.db');
  const store = SqliteEventStore.open({ file });
  await writeWorkload(store, generateWorkload({ persons: 1_000, seed: 4, protectId: (id) => protectIdNumber(Buffer.alloc(32, 5), id) }));
  await store.close();
  return file;
}

t.test('a long catch-up checks every event on the verifier thread, hands each to the log in order, and stops at a broken link', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = await storeWithWorkload(tmp.dir);

  const store = SqliteEventStore.open({ file });
  const head = await store.headPosition();
  t.ok(head > 6_000n, `${head} events: the fold goes past its first page, so the verifier thread checks the rest`);
  const seen: LinkedEvent[] = [];
  const read = openReadSide(store, join(tmp.dir, 'rm-1.db'), { runner: { longBatch: 2_000, onEvents: (events) => seen.push(...events) } });
  t.equal(await read.runner.catchUp(), Number(head), 'every event folded once (positions start at 1)');
  t.ok(read.runner.threadedBatches >= 2, 'committed by the writer thread');
  t.equal(read.runner.verifierThreads, 1, 'checked by the verifier thread');
  t.same(
    seen.map((e) => e.position),
    Array.from({ length: Number(head) }, (_, i) => BigInt(i + 1)),
    'every event handed to the log once, in $all order, with its hash',
  );
  t.ok(seen.every((e) => /^[0-9a-f]{64}$/.test(e.hash)));
  await read.close();
  await store.close();

  // An insider edits one event far past the first page.
  const raw = new Database(file);
  const edited = Number(raw.prepare("SELECT position FROM events WHERE type = 'CompletionRecorded' AND position > 5000 ORDER BY position LIMIT 1").pluck().get());
  t.equal(raw.prepare('UPDATE events SET data = replace(data, \'"hours":\', \'"hours":1\') WHERE position = ?').run(edited).changes, 1);
  raw.close();
  const again = SqliteEventStore.open({ file });
  const rebuilt = openReadSide(again, join(tmp.dir, 'rm-2.db'));
  const failure = await rebuilt.runner.catchUp().catch((err: unknown) => err);
  t.type(failure, BrokenLinkError);
  t.equal((failure as BrokenLinkError).broken.position, BigInt(edited), 'the first broken link is named');
  t.ok(rebuilt.runner.position < BigInt(edited), `nothing at or past it is committed (checkpoint ${rebuilt.runner.position})`);
  await rebuilt.close();
  await again.close();
});

t.test('checked in SQLite or event by event, a rebuild stops at the same broken link with the same reason', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = await storeWithWorkload(tmp.dir);
  const pristine = join(tmp.dir, 'pristine.db');
  copyFileSync(file, pristine);
  /** The first broken link as the event-by-event check names it (a guard over link pages from the start). */
  const reference = async (): Promise<BrokenLinkError | undefined> => {
    const store = SqliteEventStore.open({ file });
    const guard = new FoldGuard(store);
    try {
      for (let from = 1n; ; ) {
        const page = await store.readLinkPage(from, 2_000);
        if (page.length === 0) return undefined;
        await guard.check(page);
        from = page[page.length - 1]!.position + 1n;
      }
    } catch (err) {
      return err as BrokenLinkError;
    } finally {
      await store.close();
    }
  };
  const edits: [string, string][] = [
    ['data edited', `UPDATE events SET data = replace(data, '"hours":', '"hours":1') WHERE position = (SELECT min(position) FROM events WHERE type = 'CompletionRecorded' AND position > 5000)`],
    ['an event deleted from its stream', `DELETE FROM events WHERE position = (SELECT min(position) FROM events WHERE revision = 1 AND position > 5500)`],
    ['a hash rewritten', `UPDATE events SET hash = CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END || substr(hash, 2) WHERE position = 6000`],
  ];
  for (const [i, [what, sql]] of edits.entries()) {
    copyFileSync(pristine, file);
    const raw = new Database(file);
    raw.exec(sql);
    raw.close();
    const expected = await reference();
    t.type(expected, BrokenLinkError, `${what}: the event-by-event check finds it`);
    const store = SqliteEventStore.open({ file });
    const read = openReadSide(store, join(tmp.dir, `rm-edit-${i}.db`), { runner: { longBatch: 2_000 } });
    const failure = await read.runner.catchUp().catch((err: unknown) => err);
    t.equal(read.runner.verifierThreads, 1, `${what}: checked on the verifier thread, in SQLite`);
    t.same((failure as BrokenLinkError).broken, expected!.broken, `${what}: the same event and reason`);
    t.ok(read.runner.position < expected!.broken.position, `${what}: nothing at or past it is committed`);
    await read.close();
    await store.close();
  }
});
