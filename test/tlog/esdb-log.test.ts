import { join } from 'node:path';
import t from 'tap';
import type { RecordedEvent } from '../../src/store/port.js';
import { openReadSide } from '../../src/runner/read-side.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import { LogFollower } from '../../src/tlog/follower.js';
import { leafHash } from '../../src/tlog/hashing.js';
import { quickCheck } from '../../src/tlog/head-check.js';
import { TransparencyLog } from '../../src/tlog/log.js';
import { NoteSigner } from '../../src/tlog/note.js';
import { verifyInclusion } from '../../src/tlog/proofs.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

t.test('on EventStoreDB two API replicas compute the same tree from $all; leaf = ordinal, not position', async (t) => {
  const double = await startWireDouble();
  const { dir, remove } = tempDir();
  // Replicas share secrets/, hence the log key and origin.
  const signer = NoteSigner.fromPem('celedger.local/log-test', NoteSigner.generatePem());
  const clock = () => new Date('2014-06-20T02:00:00Z');
  const log1 = TransparencyLog.open({ file: join(dir, 'replica-1.db'), signer });
  const app = await testApp({ store: EsdbEventStore.connect({ connectionString: double.connectionString, clock }), log: log1 });
  const store2 = EsdbEventStore.connect({ connectionString: double.connectionString, clock });
  const log2 = TransparencyLog.open({ file: join(dir, 'replica-2.db'), signer });
  // The second replica: its own read side, whose runner feeds its own log.
  const follower2 = new LogFollower(store2, log2, { checkpointMs: 50, commitMs: 20 });
  follower2.start();
  const read2 = openReadSide(store2, ':memory:', { runner: { onEvents: (events) => follower2.accept(events) } });
  read2.runner.start();
  t.teardown(async () => {
    await app.close();
    await read2.close();
    await follower2.stop();
    log2.close();
    await store2.close();
    await double.stop();
    remove();
  });

  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  await app.follower!.settle();
  await follower2.settle();

  const events: RecordedEvent[] = [];
  for await (const e of app.store.readAll()) events.push(e);
  t.ok(events.some((e, i) => i > 0 && e.position !== events[i - 1]!.position + 1n), 'positions on EventStoreDB are not consecutive');
  t.equal(log1.size, events.length);
  t.equal(log2.size, events.length, 'the second replica has every event');
  t.same(log2.root(log2.size), log1.root(log1.size), 'and the same root');
  const ordinal = events.findIndex((e) => e.position === BigInt(issued.position));
  t.equal(log1.leafIndexOf(BigInt(issued.position)), ordinal, 'a position maps to its ordinal');
  t.equal(log2.leafIndexOf(BigInt(issued.position)), ordinal);

  await app.read.runner.waitForPosition(BigInt(issued.position), 2000);
  const answer = (await app.app.inject({ url: `/v1/verify/${issued.certificateNumber}?holder=张三丰` })).json();
  t.same(answer.certificate.log, { position: issued.position, leafIndex: ordinal });
  const proof = log2.inclusionProof(ordinal, log2.size);
  t.ok(verifyInclusion(ordinal, log1.size, leafHash(Buffer.from(events[ordinal]!.hash, 'hex')), proof, log1.root(log1.size)), "one replica's proof verifies against the other's root");
  t.equal((await quickCheck(store2, log2)).ok, true, 'the start-up check passes on EventStoreDB');
});
