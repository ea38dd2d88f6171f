import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import { LogHandover } from '../../src/runner/log-handover.js';
import type { BulkLog } from '../../src/runner/log-handover.js';
import { openReadSide } from '../../src/runner/read-side.js';
import type { ThreadedVerifier } from '../../src/runner/threaded-verifier.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { TransparencyLog } from '../../src/tlog/log.js';
import { NoteSigner } from '../../src/tlog/note.js';
import { LogRebuild } from '../../src/tlog/rebuild.js';
import { generateWorkload } from '../../src/workload/generate.js';
import { writeWorkload } from '../../src/workload/write.js';
import { tempDir } from '../support/tmp.js';

const signer = NoteSigner.fromPem('test.celedger.local/log', NoteSigner.generatePem());

/** Events of a type no read model knows: appended while a catch-up runs, past where its verifier thread may have stopped. */
const notes = (n: number) => Array.from({ length: n }, (_, i) => ({ eventId: randomUUID(), type: 'TestNote', data: { i } }));

t.test("a rebuild's log, appended on the verifier thread, holds every event once in $all order, with the root of one fed in one thread", async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const file = join(tmp.dir, 'events.db');
  const seeded = SqliteEventStore.open({ file });
  await writeWorkload(seeded, generateWorkload({ persons: 2_000, seed: 4, protectId: (id) => protectIdNumber(Buffer.alloc(32, 5), id) }));
  await seeded.close();

  const store = SqliteEventStore.open({ file });
  const logRebuild = new LogRebuild(join(tmp.dir, 'tlog.db'), signer);
  const read = openReadSide(store, join(tmp.dir, 'rm.db'), { runner: { longBatch: 2_000, log: logRebuild } });
  let pages = 0;
  const appended: Promise<unknown>[] = [];
  const folded = await read.runner.catchUp(() => {
    // Appended early in the fold, once the verifier thread has read ahead to the end: the fold checks these itself.
    if (++pages <= 2) appended.push(store.append(`note-${pages}`, notes(2_500)));
  });
  await Promise.all(appended);
  const head = await store.headPosition();
  t.ok(pages > 4, `${pages} pages: the appends landed while the fold went on`);
  t.equal(read.runner.verifierThreads, 1, 'checked on the verifier thread');
  t.equal(folded, Number(head), `all ${head} events folded, those appended during the catch-up too`);
  const verdict = logRebuild.finish();
  t.same(verdict, { ok: true, size: Number(head), signedSize: Number(head) });
  await read.close();

  const rebuilt = TransparencyLog.open({ file: join(tmp.dir, 'tlog.db'), signer, readonly: true });
  const reference = TransparencyLog.open({ file: join(tmp.dir, 'reference.db'), signer });
  for (let from = 1n; ; ) {
    const page = await store.readLinkPage(from, 2_000);
    if (page.length === 0) break;
    for (const e of page) reference.append(e);
    from = page[page.length - 1]!.position + 1n;
  }
  t.equal(rebuilt.size, reference.size);
  t.same(rebuilt.root(reference.size), reference.root(reference.size), 'the same root as the log fed event by event in this thread');
  const positions: bigint[] = [];
  for (const e of rebuilt.entries()) positions.push(e.position);
  t.same(positions, Array.from({ length: Number(head) }, (_, i) => BigInt(i + 1)), 'every event once, in $all order');
  t.same(rebuilt.entry(Number(head) - 1), reference.entry(Number(head) - 1), 'with its stream, revision and hash');
  rebuilt.close();
  reference.close();
  await store.close();
});

t.test('a log the verifier thread did not close is not taken back as if whole', async (t) => {
  const log: BulkLog & { calls: string[] } = {
    foldFile: '/nowhere',
    lastPosition: 4_000n,
    calls: [],
    feed: () => {},
    handOver() {
      this.calls.push('handOver');
    },
    takeBack() {
      this.calls.push('takeBack');
    },
  };
  const verifier = (left: bigint | undefined) => ({ close: async () => {}, logClosedAtPosition: left }) as unknown as ThreadedVerifier;

  t.equal(new LogHandover(undefined).give(), undefined, 'no bulk log: nothing to hand the verifier thread');
  const whole = new LogHandover(log);
  t.equal(whole.give(), '/nowhere');
  await whole.back(verifier(4_000n));
  t.same(log.calls, ['handOver', 'takeBack']);
  await whole.back(verifier(4_000n));
  t.same(log.calls, ['handOver', 'takeBack'], 'taken back once');

  const crashed = new LogHandover(log);
  crashed.give();
  await t.rejects(crashed.back(verifier(undefined)), /the verifier thread did not close the log \(left at no position, opened at 4000\)/);
  const short = new LogHandover(log);
  short.give();
  await t.rejects(short.back(verifier(3_000n)), /left at 3000, opened at 4000/, 'a commit lost on the thread would leave a gap');
});
