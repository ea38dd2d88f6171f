import { join } from 'node:path';
import t from 'tap';
import { UNCLAIMED_RESERVATION_MS } from '../../src/domain/commands/persons.js';
import { protectIdNumber } from '../../src/security/id-number.js';
import { StreamNotFound } from '../../src/store/errors.js';
import { EsdbEventStore } from '../../src/store/esdb/esdb-store.js';
import type { EventStore } from '../../src/store/port.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { startWireDouble } from '../support/esdb-wire-double/server.js';
import { ID_NUMBERS } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

/** The store, with appends to person streams failing while `crash.on`: the process "dies" between the two appends. */
function crashable(store: EventStore) {
  const crash = { on: false };
  const append: EventStore['append'] = (streamId, events, options) =>
    crash.on && streamId.startsWith('person-') ? Promise.reject(new Error('killed between the two appends')) : store.append(streamId, events, options);
  return { store: new Proxy(store, { get: (s, k) => (k === 'append' ? append : Reflect.get(s, k, s)) }) as EventStore, crash };
}

const register = (app: TestApp, personId: string, idNumber: string) =>
  app.as(principals.employer, {
    method: 'POST',
    url: '/v1/persons',
    payload: { personId, idNumber, name: '张三', jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' },
  });

async function reservationOf(app: TestApp, idNumber: string): Promise<string[]> {
  const hash = protectIdNumber(app.secrets.idPepper, idNumber).hash;
  try {
    return (await app.store.readStream(`idnumber-${hash}`)).map((e) => String(e.data.personId));
  } catch (err) {
    if (err instanceof StreamNotFound) return [];
    throw err;
  }
}

const STORES: [string, () => Promise<{ store: EventStore; done: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const tmp = tempDir();
      return { store: SqliteEventStore.open({ file: join(tmp.dir, 'events.db'), clock: () => FIXED_NOW }), done: async () => tmp.remove() };
    },
  ],
  [
    'esdb',
    async () => {
      const double = await startWireDouble();
      return { store: EsdbEventStore.connect({ connectionString: double.connectionString, clock: () => FIXED_NOW }), done: () => double.stop() };
    },
  ],
];

for (const [kind, open] of STORES) {
  t.test(`registration on ${kind}: nothing half-recorded`, async (t) => {
    const opened = await open();
    const { store, crash } = crashable(opened.store);
    const app = await testApp({ store });
    t.teardown(async () => {
      await app.close();
      await opened.done();
    });

    t.equal((await register(app, 'p1', ID_NUMBERS.p1)).statusCode, 201);
    const head = await app.store.headPosition();
    const again = await register(app, 'p1', ID_NUMBERS.p2);
    t.equal(again.statusCode, 409, 'an existing personId is refused');
    t.equal(await app.store.headPosition(), head, 'the refused registration appended nothing');
    t.same(await reservationOf(app, ID_NUMBERS.p2), [], 'and reserved nothing: the number stays free');
    t.equal((await register(app, 'p2', ID_NUMBERS.p2)).statusCode, 201, 'its real holder registers with it');

    t.equal((await register(app, 'p9', ID_NUMBERS.p1)).statusCode, 409, "another person with a registered person's number is refused");

    crash.on = true;
    t.equal((await register(app, 'p3', ID_NUMBERS.sz)).statusCode, 500, 'the process dies between the two appends');
    crash.on = false;
    t.same(await reservationOf(app, ID_NUMBERS.sz), ['p3'], 'a reservation without its person is left');
    t.equal((await register(app, 'p4', ID_NUMBERS.sz)).statusCode, 409, 'it holds the number against others while it may be in flight');
    const completed = await register(app, 'p3', ID_NUMBERS.sz);
    t.equal(completed.statusCode, 201, 'the next attempt for the same person completes it');
    t.same(await reservationOf(app, ID_NUMBERS.sz), ['p3'], 'with the reservation it had, not a second one');
    t.equal((await app.store.readStream('person-p3'))[0]!.type, 'PersonRegistered');

    crash.on = true;
    await register(app, 'p5', ID_NUMBERS.st);
    crash.on = false;
    app.setNow(new Date(FIXED_NOW.getTime() + UNCLAIMED_RESERVATION_MS + 1000));
    t.equal((await register(app, 'p6', ID_NUMBERS.st)).statusCode, 201, 'an unclaimed reservation past its hold blocks nobody');
    t.same(await reservationOf(app, ID_NUMBERS.st), ['p5', 'p6']);
    t.equal((await register(app, 'p5', ID_NUMBERS.st)).statusCode, 409, 'and its person can no longer take the number back');
  });

  t.test(`registration on ${kind}: racing requests`, async (t) => {
    const opened = await open();
    const app = await testApp({ store: opened.store });
    t.teardown(async () => {
      await app.close();
      await opened.done();
    });
    const both = await Promise.all([register(app, 'pa', ID_NUMBERS.fz), register(app, 'pb', ID_NUMBERS.fz)]);
    t.same(both.map((r) => r.statusCode).sort(), [201, 409], 'two persons, one number: one is registered');
    const winner = both[0]!.statusCode === 201 ? 'pa' : 'pb';
    t.same(await reservationOf(app, ID_NUMBERS.fz), [winner]);

    // One new person, two numbers at once: the loser's reservation names a person registered with
    // the other number, so it blocks nobody.
    const one = await Promise.all([register(app, 'pc', ID_NUMBERS.sc), register(app, 'pc', ID_NUMBERS.p1)]);
    t.same(one.map((r) => r.statusCode).sort(), [201, 409]);
    const lost = one[0]!.statusCode === 201 ? ID_NUMBERS.p1 : ID_NUMBERS.sc;
    t.equal((await register(app, 'pd', lost)).statusCode, 201, "the race loser's number is free for its real holder at once");
  });
}
