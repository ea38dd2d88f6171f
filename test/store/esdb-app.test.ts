import t from 'tap';
import { loadConfig } from '../../src/config/config.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import { openStore } from '../../src/store/open-store.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';

t.test('LEDGER_STORE=esdb opens the EventStoreDB adapter', async (t) => {
  const double = await startWireDouble();
  t.teardown(() => double.stop());
  const store = await openStore(loadConfig({ LEDGER_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: double.connectionString }));
  t.type(store, EsdbEventStore);
  t.equal(await store.headPosition(), -1n, 'a fresh server has no ledger events (system events do not count)');
  await store.close();
});

t.test('the service end to end on EventStoreDB: write, project, certify, verify, audit', async (t) => {
  const double = await startWireDouble();
  const app = await testApp({ store: EsdbEventStore.connect({ connectionString: double.connectionString, clock: () => new Date('2014-06-20T02:00:00Z') }) });
  t.teardown(async () => {
    await app.close();
    await double.stop();
  });
  await seedZhengzhou(app);
  let position = '';
  for (const courseId of ['c1', 'c2', 'c-pub']) position = (await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' })).position;
  const year = (await app.as(principals.professional, { url: `/v1/persons/p1/years/2014?minPosition=${position}` })).json();
  t.same([year.compliant, year.counted.total], [true, 86], 'the read side follows the EventStoreDB subscription');
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  t.equal(issued.certificateNumber, 'ZZ-2014-000001');
  const stamped = await ok(app, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await app.read.runner.waitForPosition(BigInt(stamped.position), 2000);
  const verdict = (await app.app.inject({ url: `/v1/verify/${issued.certificateNumber}?holder=张三丰` })).json();
  t.equal(verdict.verdict, 'authentic');
  const integrity = (await app.as(principals.auditor, { url: '/v1/audit/integrity' })).json();
  t.equal(integrity.ok, true, 'every chain verifies through the adapter');
  const history = (await app.as(principals.auditor, { url: '/v1/audit/persons/p1/history' })).json();
  t.equal(history.state.years[0].certificate.status, 'stamped');
});
