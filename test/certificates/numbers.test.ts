import { randomUUID } from 'node:crypto';
import t from 'tap';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { AppendOptions, NewEvent } from '../../src/store/port.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';

/** A store on which, once, another writer changes the person's stream right after a number is reserved. */
class RacingStore extends MemoryEventStore {
  raced = false;
  override async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions) {
    const result = await super.append(streamId, events, options);
    if (streamId.startsWith('certseq-') && !this.raced) {
      this.raced = true;
      await super.append('person-p1', [
        {
          eventId: randomUUID(),
          type: 'EnrolmentRecorded',
          data: { enrolmentId: 'p1:c1', personId: 'p1', courseId: 'c1', institutionId: 'inst-a', enrolledOn: '2014-05-01', purpose: 'general' },
          metadata: { actor: { role: 'institution', id: 'inst-a' }, schemaVersion: 1 },
        },
      ]);
    }
    return result;
  }
}

t.test('an issue that loses a race on the person stream takes its reserved number again: no number is burned', async (t) => {
  const store = new RacingStore();
  const app = await testApp({ store });
  t.teardown(app.close);
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const res = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.equal(res.statusCode, 201, res.body);
  t.ok(store.raced, 'the person stream changed between the reservation and the issue');
  t.equal(res.json().certificateNumber, 'ZZ-2014-000001');
  const reservations = await store.readStream('certseq-zhengzhou-2014');
  t.same(reservations.map((e) => e.data.certificateNumber), ['ZZ-2014-000001'], 'one reservation, used by the certificate');
  const refused = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/years/2014/certificate', payload: {} });
  t.equal(refused.statusCode, 409, 'the year has its certificate');
  t.same((await store.readStream('certseq-zhengzhou-2014')).length, 1, 'a refused issue reserves nothing');
});
