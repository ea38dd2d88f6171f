import t from 'tap';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok } from '../support/fixtures.js';

async function shantou(app: TestApp) {
  // ST-2: the public subject of a year is one the bureau listed for it.
  await ok(app, principals.stBureau, '/v1/catalogues/shantou/public-subjects/2014', { subjects: [{ title: '《粤东西北地区振兴战略》', hours: 20 }] });
  await ok(app, principals.stBureau, '/v1/institutions', { institutionId: 'inst-a', name: '汕头继续教育基地', jurisdiction: 'shantou', level: 'city', accreditedOn: '2013-01-10' });
  await ok(app, principals.instA, '/v1/courses', {
    courseId: 'pub-online', institutionId: 'inst-a', title: '《粤东西北地区振兴战略》（网络班）', subject: '《粤东西北地区振兴战略》', category: 'public', hours: 12, level: 'city', mode: 'online',
    startsOn: '2014-05-05', endsOn: '2014-05-08', filedOn: '2014-04-01',
  });
  await ok(app, principals.employer, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.st, name: '陈六', jurisdiction: 'shantou', titleLevel: 'intermediate', employerId: 'emp-1' });
  return ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'pub-online', completedOn: '2014-05-08', assessment: 'passed' });
}

async function year(app: TestApp, position: string) {
  await app.read.runner.waitForPosition(BigInt(position), 2000);
  return (await app.as(principals.stBureau, { method: 'GET', url: '/v1/persons/p1/years/2014' })).json();
}

t.test('ST-8: online public hours count only with the bureau\'s consent given before the study', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const done = await shantou(app);
  const without = await year(app, done.position);
  t.equal(without.counted.public, 0);
  t.match(without.excluded, [{ ruleId: 'ST-8', hours: 12 }]);

  t.equal((await app.as(principals.employer, { method: 'POST', url: '/v1/persons/p1/online-consent', payload: { workingAwayAt: '深圳', consentedOn: '2014-05-01' } })).statusCode, 403, 'the bureau consents, not the employer');
  t.equal((await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/online-consent', payload: { workingAwayAt: '深圳', consentedOn: '2014-05-01' } })).statusCode, 404, 'another bureau: as for no such person');
  t.equal((await app.as(principals.stBureau, { method: 'POST', url: '/v1/persons/p1/online-consent', payload: { workingAwayAt: '深圳', consentedOn: '2014-05-01', until: '2014-04-01' } })).statusCode, 400);

  const late = await ok(app, principals.stBureau, '/v1/persons/p1/online-consent', { workingAwayAt: '深圳', consentedOn: '2014-06-01' });
  t.equal((await year(app, late.position)).counted.public, 0, 'a consent given after the study does not reach back');
  const prior = await ok(app, principals.stBureau, '/v1/persons/p1/online-consent', { workingAwayAt: '深圳', consentedOn: '2014-05-01', until: '2014-12-31' });
  const withConsent = await year(app, prior.position);
  t.equal(withConsent.counted.public, 12);
  t.notOk(withConsent.excluded.some((x: { ruleId: string }) => x.ruleId === 'ST-8'));
});

t.test('ST-8: no consent to record outside Shantou', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await ok(app, principals.employer, '/v1/persons', { personId: 'p1', idNumber: ID_NUMBERS.p1, name: '张三', jurisdiction: 'zhengzhou', titleLevel: 'intermediate', employerId: 'emp-1' });
  const res = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/persons/p1/online-consent', payload: { workingAwayAt: '深圳', consentedOn: '2014-05-01' } });
  t.equal(res.statusCode, 422);
  t.equal(res.json().error.details.ruleId, 'ST-8');
});
