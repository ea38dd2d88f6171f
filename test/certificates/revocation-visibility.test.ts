import t from 'tap';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { EventStore, RecordedEvent, Subscription } from '../../src/store/port.js';
import type { TestApp } from '../support/app.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';

/** A store whose subscription hands each event on `lagMs` late: the read side trails every write. */
function lagging(store: EventStore, lagMs: number): EventStore {
  const subscribeAll: EventStore['subscribeAll'] = (options) => {
    const inner = store.subscribeAll(options);
    const it = inner[Symbol.asyncIterator]();
    const slow: Subscription = {
      caughtUp: inner.caughtUp,
      close: () => inner.close(),
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<RecordedEvent>> => {
          const r = await it.next();
          if (!r.done) await new Promise((resolve) => setTimeout(resolve, lagMs));
          return r;
        },
      }),
    };
    return slow;
  };
  return new Proxy(store, { get: (s, k) => (k === 'subscribeAll' ? subscribeAll : Reflect.get(s, k, s)) }) as EventStore;
}

async function certified(lagMs: number, readWaitMs = 2000): Promise<{ app: TestApp; no: string }> {
  const app = await testApp({ store: lagging(new MemoryEventStore(() => FIXED_NOW), lagMs), config: { readWaitMs } });
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const stamped = await ok(app, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await app.read.runner.waitForPosition(BigInt(stamped.position), 5000);
  return { app, no: issued.certificateNumber as string };
}

const verdict = async (app: TestApp, url: string) => (await app.app.inject({ url })).json().verdict as string;

t.test('a revoked certificate reads revoked on the very next verification, though the read side lags', async (t) => {
  const { app, no } = await certified(30);
  t.teardown(app.close);
  t.equal(await verdict(app, `/v1/verify/${no}?holder=张三丰`), 'authentic');
  await ok(app, principals.zzBureau, `/v1/certificates/${no}/revocation`, { reason: 'lent' });
  t.equal(await verdict(app, `/v1/verify/${no}?holder=张三丰`), 'revoked', 'the 201 came once verification showed it');
  const qr = (await app.as(principals.zzBureau, { url: `/v1/certificates/${no}` })).json().qr as string;
  t.equal(await verdict(app, `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰`), 'revoked');
});

t.test('a revoked credit invalidates the certificate before its revocation answers', async (t) => {
  const { app, no } = await certified(30);
  t.teardown(app.close);
  await ok(app, principals.zzBureau, '/v1/credits/p1:c2/revocation', { reason: 'proof issued without training' });
  t.equal(await verdict(app, `/v1/verify/${no}?holder=张三丰`), 'invalidated');
});

t.test('the public verify routes honour minPosition', async (t) => {
  const { app, no } = await certified(0, 200);
  t.teardown(app.close);
  const qr = (await app.as(principals.zzBureau, { url: `/v1/certificates/${no}` })).json().qr as string;
  // The revocation is appended beneath the HTTP layer: only minPosition can make a read wait for it.
  const { revokeCertificate } = await import('../../src/certificates/commands.js');
  const slowRead = app.read.runner.waitForPosition.bind(app.read.runner);
  let waited = 0;
  app.read.runner.waitForPosition = (p, ms) => {
    waited++;
    return slowRead(p, ms);
  };
  const revoked = await revokeCertificate({ store: app.store, clock: () => FIXED_NOW, actor: principals.zzBureau }, no, { reason: 'forged' });
  if (!revoked.ok) throw new Error('not revoked');
  const position = revoked.position.toString();
  t.equal(await verdict(app, `/v1/verify/${no}?holder=张三丰&minPosition=${position}`), 'revoked');
  t.equal(await verdict(app, `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰&minPosition=${position}`), 'revoked');
  t.equal(waited, 2, 'both routes waited for the position');
  const far = await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰&minPosition=999999` });
  t.equal(far.statusCode, 504, 'a position the read side does not reach in time answers 504');
  t.equal(far.json().error.code, 'TIMEOUT');
  const bad = await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰&minPosition=soon` });
  t.equal(bad.statusCode, 400);
});
