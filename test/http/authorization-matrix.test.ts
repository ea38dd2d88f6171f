import t from 'tap';
import { ROLES } from '../../schemas/common.js';
import type { Role } from '../../schemas/common.js';
import type { Principal } from '../../src/security/principal.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { WRITE_CASES } from '../support/write-catalogue.js';

/** An in-scope principal of each role for the Zhengzhou world. */
const IN_SCOPE: Record<Role, Principal> = {
  bureau: principals.zzBureau,
  institution: principals.instA,
  employer: principals.employer,
  professional: principals.professional,
  auditor: principals.auditor,
  reporting: principals.reporting,
};

async function world() {
  const app = await testApp();
  await seedZhengzhou(app);
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  await ok(app, principals.instA, '/v1/courses', { ...WRITE_CASES[2]!.payload('institution'), courseId: 'c3' });
  return app;
}

t.test('every role × every write route: allowed, or 403', async (t) => {
  for (const c of WRITE_CASES) {
    for (const role of ROLES) {
      const app = await world();
      const res = await app.as(IN_SCOPE[role], { method: 'POST', url: c.url, payload: c.payload(role) });
      if (c.roles.includes(role)) {
        // Zhengzhou recognises no conversion (ZZ-4): authorised, then refused by the rule.
        const expected = c.url === '/v1/conversions' ? 422 : c.url.endsWith('/batch') ? 200 : 201;
        t.equal(res.statusCode, expected, `${role} may ${c.url}${res.statusCode !== expected ? `: ${res.body}` : ''}`);
      } else {
        t.equal(res.statusCode, 403, `${role} may not ${c.url}`);
      }
      await app.close();
    }
  }
});

t.test('without a token, or with a forged one: 401', async (t) => {
  const app = await world();
  t.teardown(app.close);
  for (const c of WRITE_CASES) {
    const none = await app.app.inject({ method: 'POST', url: c.url, payload: c.payload('bureau') });
    t.equal(none.statusCode, 401, `${c.url} without a token`);
  }
  const forged = await app.app.inject({
    method: 'POST',
    url: '/v1/institutions',
    payload: WRITE_CASES[0]!.payload('bureau'),
    headers: { authorization: `Bearer ${app.token(principals.zzBureau).slice(0, -4)}AAAA` },
  });
  t.equal(forged.statusCode, 401);
});

t.test('cross-tenant attempts are refused', async (t) => {
  const app = await world();
  t.teardown(app.close);
  const attempt = async (name: string, p: Principal, url: string, payload: object) => {
    const res = await app.as(p, { method: 'POST', url, payload });
    t.equal(res.statusCode, 403, name);
    t.equal(res.json().error.code, 'FORBIDDEN');
  };
  await attempt("institution B records for institution A's course", principals.instB, '/v1/completions', { personId: 'p1', courseId: 'c2', completedOn: '2014-05-08', assessment: 'passed' });
  await attempt("institution B files a course under institution A's name", principals.instB, '/v1/courses', { ...WRITE_CASES[2]!.payload('institution') });
  await attempt('a Suzhou bureau approves a Zhengzhou course', principals.szBureau, '/v1/courses/c2/approval', { approvalNo: 'X', approvedOn: '2014-04-10' });
  await attempt('a Fuzhou bureau revokes a Zhengzhou credit', principals.fzBureau, '/v1/credits/p1:c1/revocation', { reason: 'x' });
  await attempt('a Suzhou bureau accredits in Zhengzhou', principals.szBureau, '/v1/institutions', WRITE_CASES[0]!.payload('bureau'));
  await attempt("an employer reviews another employer's staff", principals.otherEmployer, '/v1/credits/p1:c1/reviews', { stage: 'employer', decision: 'approved' });
  await attempt('an employer registers staff for another employer', principals.otherEmployer, '/v1/persons', WRITE_CASES[5]!.payload('employer'));
  await attempt('a professional claims for someone else', principals.otherProfessional, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'other', hours: 5 });
  const batch = await app.as(principals.instB, { method: 'POST', url: '/v1/completions/batch', payload: WRITE_CASES[11]!.payload('institution') });
  t.equal(batch.json().results[0].error.code, 'FORBIDDEN', 'a batch item for another institution is refused');
});
