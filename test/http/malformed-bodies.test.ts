import fc from 'fast-check';
import t from 'tap';
import type { Role } from '../../schemas/common.js';
import type { Principal } from '../../src/security/principal.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { WRITE_CASES } from '../support/write-catalogue.js';

const AS: Record<Role, Principal> = {
  bureau: principals.zzBureau,
  institution: principals.instA,
  employer: principals.employer,
  professional: principals.professional,
  auditor: principals.auditor,
  reporting: principals.reporting,
};

/** A JSON value of a different type than `v`, so the field can never validate. */
const otherType = (v: unknown): fc.Arbitrary<unknown> => {
  const options: fc.Arbitrary<unknown>[] = [];
  if (typeof v !== 'string') options.push(fc.string());
  if (typeof v !== 'number') options.push(fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (typeof v !== 'boolean') options.push(fc.boolean());
  if (v !== null) options.push(fc.constant(null));
  if (!Array.isArray(v)) options.push(fc.array(fc.integer(), { maxLength: 3 }));
  if (typeof v !== 'object' || v === null || Array.isArray(v)) options.push(fc.dictionary(fc.string(), fc.integer(), { maxKeys: 3 }));
  return fc.oneof(...options);
};

function malformed(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    // a field of the wrong type
    fc.constantFrom(...keys).chain((k) => otherType(valid[k]).map((bad) => ({ ...valid, [k]: bad }))),
    // a required field missing (every field of the valid payload but a defaulted one is required or typed)
    fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k))),
    // a field the API does not know
    fc.string({ minLength: 1 }).filter((k) => !keys.includes(k) && k !== '__proto__').map((k) => ({ ...valid, [k]: 1 })),
    // not an object at all
    fc.oneof(fc.string(), fc.integer(), fc.array(fc.anything(), { maxLength: 3 }), fc.constant(null)),
  );
}

/** Fields whose absence the route fills with a default: dropping them leaves a valid command. */
const OPTIONAL = new Set(['purpose', 'evidence', 'hours']);

t.test('random and malformed bodies to every write route: a 4xx JSON error, nothing appended', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  const head = await app.store.headPosition();
  let requests = 0;
  for (const c of WRITE_CASES) {
    const role = c.roles[0]!;
    const valid = c.payload(role);
    const required = Object.fromEntries(Object.entries(valid).filter(([k]) => !OPTIONAL.has(k)));
    await fc.assert(
      fc.asyncProperty(malformed(required), async (body) => {
        requests++;
        const res = await app.as(AS[role], { method: 'POST', url: c.url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        const json = res.json();
        return res.statusCode >= 400 && res.statusCode < 500 && typeof json.error?.code === 'string' && typeof json.error?.message === 'string';
      }),
      { numRuns: 40 },
    );
    const raw = await app.as(AS[role], { method: 'POST', url: c.url, payload: '{"not json', headers: { 'content-type': 'application/json' } });
    t.equal(raw.statusCode, 400, `${c.url}: broken JSON is a 400`);
  }
  t.equal(await app.store.headPosition(), head, `${requests} malformed requests appended nothing`);
});
