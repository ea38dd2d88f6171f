import t from 'tap';
import type { Principal } from '../../src/security/principal.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { PersonYearQueries } from '../../projections/person-years/queries.js';

/** p1 earns hours in Zhengzhou with emp-1 in 2014, moves to Suzhou and emp-2 from 2015-02-01, and claims a paper there for 2015. */
async function transferred() {
  const app = await testApp();
  await seedZhengzhou(app);
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  await ok(app, principals.employer, '/v1/persons/p1/transfer', { toJurisdiction: 'suzhou', toEmployerId: 'emp-2', effectiveOn: '2015-02-01' });
  const claim = await ok(app, principals.professional, '/v1/conversions', { personId: 'p1', year: 2015, kind: 'paper-national', hours: 17, evidence: [{ kind: 'paper', ref: 'doi:10.1000/x' }] });
  await app.read.runner.waitForPosition(BigInt(claim.position), 2000);
  return app;
}

const stranger: Principal = { role: 'employer', sub: 'emp-9' };

t.test('after a transfer the former employer and bureau read their own years and the record as it stood, not what follows', async (t) => {
  const app = await transferred();
  t.teardown(app.close);
  const get = async (p: Principal, url: string) => app.as(p, { url });
  for (const former of [principals.employer, principals.zzBureau]) {
    const who = `${former.role} ${former.sub}`;
    const person = await get(former, '/v1/persons/p1');
    t.equal(person.statusCode, 200, who);
    t.match(person.json(), { personId: 'p1', jurisdiction: 'zhengzhou', employerId: 'emp-1', transfers: [], leftScopeOn: '2015-02-01' }, `${who}: the record as it stood`);
    t.notMatch(person.body, /emp-2|suzhou/, `${who}: not where the person went`);
    t.same((await get(former, '/v1/persons/p1/years')).json().years.map((y: { year: number }) => y.year), [2014], `${who}: its own year only`);
    t.equal((await get(former, '/v1/persons/p1/years/2014')).statusCode, 200);
    const after = await get(former, '/v1/persons/p1/years/2015');
    const never = await get(former, '/v1/persons/p1/years/2013');
    t.same([after.statusCode, after.json()], [404, { error: { code: 'NOT_FOUND', message: 'no record of p1 for 2015' } }], `${who}: the year after is as a year with no record`);
    t.same([never.statusCode, never.json().error.code], [404, 'NOT_FOUND']);
    const credits = async (query: string) => (await get(former, `/v1/persons/p1/credits${query}`)).json().credits.map((c: { creditId: string; year: number; counted: number; status: string }) => [c.creditId, c.year, c.counted, c.status]);
    t.same(await credits(''), [['p1:c1', 2014, 30, 'counted']], `${who}: the credits of its own year only`);
    t.same(await credits('?year=2014'), [['p1:c1', 2014, 30, 'counted']]);
    t.same(await credits('?year=2015'), [], `${who}: none of the year after`);
  }
  for (const current of [principals.otherEmployer, principals.szBureau, principals.professional, principals.auditor]) {
    const years = (await get(current, '/v1/persons/p1/years')).json().years.map((y: { year: number }) => y.year);
    t.same(years, [2014, 2015], `${current.role} ${current.sub} reads the whole record`);
    const credits = (await get(current, '/v1/persons/p1/credits')).json().credits.map((c: { year: number; counted: number; status: string }) => [c.year, c.counted, c.status]);
    t.same(credits, [[2014, 30, 'counted'], [2015, 0, 'pending']], `${current.role} ${current.sub}: the credits of both years, the paper waiting for its reviews`);
    t.match((await get(current, '/v1/persons/p1')).json(), { jurisdiction: 'suzhou', employerId: 'emp-2', transfers: [{ fromEmployerId: 'emp-1', toEmployerId: 'emp-2' }] });
  }
});

t.test("a transfer moves a year's line from the staff list of the employer it leaves to the one it joins", async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const done = await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  const staff = async (who: Principal, employerId: string, position: string) => {
    const res = await app.as(who, { url: `/v1/employers/${employerId}/staff?year=2014&minPosition=${position}` });
    t.equal(res.statusCode, 200);
    return res.json().items.map((i: { personId: string; counted: { total: number } }) => [i.personId, i.counted.total]);
  };
  t.same(await staff(principals.employer, 'emp-1', done.position), [['p1', 30]], 'before: emp-1 holds 2014');
  // In force at the year's end, so 2014 is now held by emp-2.
  const moved = await ok(app, principals.employer, '/v1/persons/p1/transfer', { toJurisdiction: 'suzhou', toEmployerId: 'emp-2', effectiveOn: '2014-06-01' });
  t.same(await staff(principals.employer, 'emp-1', moved.position), [], 'after: not on the list of the employer it left');
  t.same(await staff(principals.otherEmployer, 'emp-2', moved.position), [['p1', 30]], 'on the list of the employer it joined, with its hours');
  t.same(await staff(principals.auditor, 'emp-1', moved.position), [], 'as an auditor reads it too');
});

t.test("a person's credits come from the years evaluated with the record: each year once", async (t) => {
  const app = await transferred();
  t.teardown(app.close);
  const evaluate = PersonYearQueries.prototype.evaluate;
  const evaluated: number[] = [];
  PersonYearQueries.prototype.evaluate = function (this: PersonYearQueries, record, year) {
    evaluated.push(year);
    return evaluate.call(this, record, year);
  };
  t.teardown(() => {
    PersonYearQueries.prototype.evaluate = evaluate;
  });
  for (const [who, query, years] of [
    [principals.professional, '', [2014, 2015]],
    [principals.professional, '?year=2015', [2015]],
    [principals.employer, '', [2014]],
  ] as const) {
    evaluated.length = 0;
    const res = await app.as(who, { url: `/v1/persons/p1/credits${query}` });
    t.equal(res.statusCode, 200);
    t.same(evaluated, years, `${who.role} ${who.sub} ${query || '(every year)'}: each year it may read evaluated once`);
  }
});

t.test('an out-of-scope caller gets the same answer for a person that exists and one that does not', async (t) => {
  const app = await transferred();
  t.teardown(app.close);
  for (const outsider of [stranger, principals.fzBureau, principals.otherProfessional]) {
    for (const path of ['', '/years', '/years/2014']) {
      const real = await app.as(outsider, { url: `/v1/persons/p1${path}` });
      const none = await app.as(outsider, { url: `/v1/persons/p7${path}` });
      t.equal(real.statusCode, 404, `${outsider.role} ${outsider.sub} ${path || '/'}`);
      t.same([real.statusCode, real.body.replaceAll('p1', 'p7'), Object.keys(real.headers).sort()], [none.statusCode, none.body, Object.keys(none.headers).sort()]);
    }
  }
});

t.test('after a transfer the former employer and bureau, who may read the person, are refused writes as such; a later year is hidden from them', async (t) => {
  const app = await transferred();
  t.teardown(app.close);
  const later = (await app.as(principals.professional, { url: '/v1/persons/p1/credits?year=2015' })).json().credits[0].creditId as string;
  const head = await app.store.headPosition();
  const post = (p: Principal, url: string, payload: object) => app.as(p, { method: 'POST', url, payload });
  const refused = async (res: Promise<{ statusCode: number; json(): { error: { code: string; message: string } } }>) => {
    const r = await res;
    return [r.statusCode, r.json().error.code, r.json().error.message];
  };
  const transfer = { toJurisdiction: 'fuzhou', toEmployerId: 'emp-9', effectiveOn: '2015-06-01' };
  t.same(await refused(post(principals.employer, '/v1/persons/p1/transfer', transfer)), [403, 'FORBIDDEN', "outside the employer's scope"], 'the former employer knows the person: told it may not');
  t.same(await refused(post(principals.zzBureau, '/v1/persons/p1/transfer', transfer)), [403, 'FORBIDDEN', "outside the bureau's scope"], 'the former bureau likewise');
  t.same(await refused(post(principals.employer, '/v1/credits/p1:c1/reviews', { stage: 'employer', decision: 'approved' })), [403, 'FORBIDDEN', "outside the employer's scope"], 'a credit of the year it held');
  t.same(await refused(post(principals.employer, `/v1/credits/${later}/reviews`, { stage: 'employer', decision: 'approved' })), [404, 'NOT_FOUND', `credit ${later} not found`], 'a credit of the year after: as for no such credit');
  t.same(await refused(post(principals.zzBureau, `/v1/credits/${later}/revocation`, { reason: 'x' })), [404, 'NOT_FOUND', `credit ${later} not found`], 'the former bureau: likewise');
  t.same(await refused(post(stranger, '/v1/persons/p1/transfer', transfer)), [404, 'NOT_FOUND', 'person p1 not found'], 'an employer that never held the person: as for no such person');
  t.equal(await app.store.headPosition(), head, 'nothing was written');
});
