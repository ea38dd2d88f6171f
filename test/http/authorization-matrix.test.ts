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

t.test('cross-tenant attempts are refused: 403 where the request names the scope, as for no such record where it names a record', async (t) => {
  const app = await world();
  t.teardown(app.close);
  const head = await app.store.headPosition();
  const attempt = async (name: string, p: Principal, url: string, payload: object, expected: [number, string, string?]) => {
    const res = await app.as(p, { method: 'POST', url, payload });
    t.same([res.statusCode, res.json().error.code], expected.slice(0, 2), name);
    if (expected[2]) t.equal(res.json().error.message, expected[2], `${name}: the words for no such record`);
  };
  const forbidden: [number, string] = [403, 'FORBIDDEN'];
  await attempt("institution B records for institution A's course", principals.instB, '/v1/completions', { personId: 'p1', courseId: 'c2', completedOn: '2014-05-08', assessment: 'passed' }, [404, 'NOT_FOUND', 'course c2 not found']);
  await attempt("institution B files a course under institution A's name", principals.instB, '/v1/courses', { ...WRITE_CASES[2]!.payload('institution') }, forbidden);
  await attempt('a Suzhou bureau approves a Zhengzhou course', principals.szBureau, '/v1/courses/c2/approval', { approvalNo: 'X', approvedOn: '2014-04-10' }, [404, 'NOT_FOUND', 'course c2 not found']);
  await attempt('a Fuzhou bureau revokes a Zhengzhou credit', principals.fzBureau, '/v1/credits/p1:c1/revocation', { reason: 'x' }, [404, 'NOT_FOUND', 'credit p1:c1 not found']);
  await attempt('a Suzhou bureau accredits in Zhengzhou', principals.szBureau, '/v1/institutions', WRITE_CASES[0]!.payload('bureau'), forbidden);
  await attempt("an employer reviews another employer's staff", principals.otherEmployer, '/v1/credits/p1:c1/reviews', { stage: 'employer', decision: 'approved' }, [404, 'NOT_FOUND', 'credit p1:c1 not found']);
  await attempt('an employer registers staff for another employer', principals.otherEmployer, '/v1/persons', WRITE_CASES[5]!.payload('employer'), forbidden);
  await attempt('a professional claims for someone else', principals.otherProfessional, '/v1/conversions', { personId: 'p1', year: 2014, kind: 'other', hours: 5 }, [404, 'NOT_FOUND', 'person p1 not found']);
  const batch = await app.as(principals.instB, { method: 'POST', url: '/v1/completions/batch', payload: WRITE_CASES[11]!.payload('institution') });
  t.same(batch.json().results[0].error, { code: 'NOT_FOUND', message: 'course c2 not found' }, 'a batch item for another institution is refused as for no such course');
  t.equal(await app.store.headPosition(), head, 'nothing was written');
});

/** A caller of a role the route allows, outside the Zhengzhou world's scope. */
const OUT_OF_SCOPE: Partial<Record<Role, Principal>> = {
  bureau: principals.fzBureau,
  institution: principals.instB,
  employer: principals.otherEmployer,
  professional: principals.otherProfessional,
};

/** Routes whose request itself names the scope (a new record's jurisdiction, institution or employer): refused as such. */
const NAMES_ITS_SCOPE = new Set(['/v1/institutions', '/v1/courses', '/v1/persons', '/v1/employers']);

t.test('every write route × an out-of-scope caller of each role it allows: 403 where the request names the scope, 404 where it names a record', async (t) => {
  const app = await world();
  t.teardown(app.close);
  const head = await app.store.headPosition();
  for (const c of WRITE_CASES) {
    for (const role of c.roles) {
      const outsider = OUT_OF_SCOPE[role]!;
      const res = await app.as(outsider, { method: 'POST', url: c.url, payload: c.payload(role) });
      const who = `${role} ${outsider.sub} on ${c.url}`;
      if (c.url.endsWith('/batch')) {
        t.same([res.statusCode, res.json().results[0].error.code], [200, 'NOT_FOUND'], who);
      } else if (NAMES_ITS_SCOPE.has(c.url)) {
        t.same([res.statusCode, res.json().error.code], [403, 'FORBIDDEN'], who);
      } else {
        t.same([res.statusCode, res.json().error.code], [404, 'NOT_FOUND'], who);
      }
    }
  }
  t.equal(await app.store.headPosition(), head, 'nothing was written');
});
