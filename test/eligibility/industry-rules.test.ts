import t from 'tap';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok } from '../support/fixtures.js';

const evidence = [{ kind: 'proof', ref: '学分登记册 2015-07' }];

async function yearOf(app: TestApp, personId: string, year: number, position: string) {
  await app.read.runner.waitForPosition(BigInt(position), 2000);
  const res = await app.as(principals.scBureau, { method: 'GET', url: `/v1/persons/${personId}/years/${year}` });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json();
}

t.test('SC-7: an industry credit table recorded by the bureau applies from its date, and the year names it', async (t) => {
  const app = await testApp({ now: new Date('2015-09-01T02:00:00Z') });
  t.teardown(app.close);
  await ok(app, principals.scBureau, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.sc, name: '刘医生', jurisdiction: 'sichuan', titleLevel: 'intermediate', employerId: 'emp-1', industry: 'medicine', registeredOn: '2014-01-02' });
  await ok(app, principals.employer, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'credits', credits: 10, evidence });
  const claim = await ok(app, principals.employer, '/v1/conversions', { personId: 'p1', year: 2015, kind: 'credits', credits: 10, evidence });

  const before = await yearOf(app, 'p1', 2015, claim.position);
  t.match(before.excluded, [{ ruleId: 'SC-7' }], 'no table: the credits do not count');
  t.notOk(before.industryRule);

  const recorded = await ok(app, principals.scBureau, '/v1/industry-rules', { industry: 'medicine', ruleId: 'SC-7', effectiveFrom: '2015-01-01', hoursPerCredit: 3 });
  const after = await yearOf(app, 'p1', 2015, recorded.position);
  t.equal(after.counted.professional, 30, '10 credits × 3 class hours');
  t.same(after.industryRule, { industry: 'medicine', ruleId: 'SC-7', effectiveFrom: '2015-01-01' });
  const earlier = await yearOf(app, 'p1', 2014, recorded.position);
  t.equal(earlier.counted.total, 0, 'the year before the table took effect is unchanged');
  t.match(earlier.excluded, [{ ruleId: 'SC-7' }]);

  const elig = await app.as(principals.scBureau, { method: 'GET', url: '/v1/persons/p1/eligibility?for=excellent-rating&year=2015' });
  t.equal(elig.json().years[0].counted.professional, 30, 'the command side reads the same table');

  const again = await app.as(principals.scBureau, { method: 'POST', url: '/v1/industry-rules', payload: { industry: 'medicine', ruleId: 'SC-7', effectiveFrom: '2015-01-01', hoursPerCredit: 4 } });
  t.equal(again.statusCode, 409, 'one rule set per industry and date');
  const wrong = await app.as(principals.scBureau, { method: 'POST', url: '/v1/industry-rules', payload: { industry: 'medicine', ruleId: 'SZ-3', effectiveFrom: '2016-01-01', hoursPerCredit: 4 } });
  t.equal(wrong.statusCode, 422);
  t.equal(wrong.json().error.details.ruleId, 'SZ-3');
  t.equal((await app.as(principals.scBureau, { method: 'POST', url: '/v1/industry-rules', payload: { industry: 'medicine', ruleId: 'SC-7', effectiveFrom: '2016-01-01' } })).statusCode, 400, 'neither hours nor a table');
  t.equal((await app.as(principals.employer, { method: 'POST', url: '/v1/industry-rules', payload: { industry: 'medicine', ruleId: 'SC-7', effectiveFrom: '2016-01-01', hoursPerCredit: 4 } })).statusCode, 403);
});

t.test('SZ-3: an industry requirement replaces the bureau\'s hours for persons registered after it too', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.szBureau, '/v1/industry-rules', { industry: 'construction', ruleId: 'SZ-3', effectiveFrom: '2014-01-01', requirement: { total: 60, floors: { public: 20, professional: 40 } } });
  const reg = await ok(app, principals.szBureau, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.sz, name: '周工', jurisdiction: 'suzhou', titleLevel: 'intermediate', employerId: 'emp-1', industry: 'construction' });
  await app.read.runner.waitForPosition(BigInt(reg.position), 2000);
  const years = (await app.as(principals.szBureau, { method: 'GET', url: '/v1/persons/p1/eligibility?for=appointment&on=2015-02-01' })).json();
  t.same(years.years[0].required, { total: 60, floors: { public: 20, professional: 40 }, ruleIds: ['SZ-3'] });
  t.match(years.unmet, [{ ruleId: 'SZ-8', years: [2014] }]);
});
