import fc from 'fast-check';
import t from 'tap';
import type { Role } from '../../schemas/common.js';
import type { Principal } from '../../src/security/principal.js';
import { principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { uniqueIdNumbers } from '../support/id-numbers.js';
import { WRITE_CASES } from '../support/write-catalogue.js';
import type { WriteCase } from '../support/write-catalogue.js';

/**
 * Generated hostile requests to every write route: no answer is a 5xx, every refusal has the error
 * shape and leaves the head where it was, and whatever is accepted is stored as clean text.
 * `FUZZ_RUNS` sets the total (CI runs a few hundred; `npm run fuzz` runs 12,000).
 */
const TOTAL = Number(process.env.FUZZ_RUNS ?? 720);

const AS: Record<Role, Principal> = {
  bureau: principals.zzBureau,
  institution: principals.instA,
  employer: principals.employer,
  professional: principals.professional,
  auditor: principals.auditor,
  reporting: principals.reporting,
};

const CASES: WriteCase[] = [
  ...WRITE_CASES,
  { url: '/v1/persons/p1/years/2014/certificate', roles: ['bureau'], payload: () => ({}) },
  { url: '/v1/certificates/ZZ-2014-000001/stamps', roles: ['bureau'], payload: () => ({ stampedOn: '2014-06-21', authority: '郑州市人社局' }) },
  { url: '/v1/certificates/ZZ-2014-000001/revocation', roles: ['bureau'], payload: () => ({ reason: 'lent', note: '借给他人' }) },
];

const SPECIALS = ['', ' ', '\u3000', '\t\n', '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u202e', '\u202d', '\u2066', '\u2069', '\u200f', '\u061c', '\ufeff', '\ud800', '\udfff', 'e\u0301', '\u1100\u1161', '%00', '\\u0000', '__proto__'];
const special = fc.constantFrom(...SPECIALS);
const hostileString = fc.oneof(
  special,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.string({ maxLength: 10 }), special, fc.string({ maxLength: 10 }), special).map((parts) => parts.join('')),
  fc.array(special, { minLength: 1, maxLength: 8 }).map((s) => s.join('')),
  fc.constantFrom('x'.repeat(5000), '张'.repeat(1001), ' '.repeat(300)),
);
/** A JSON text nesting `depth` arrays or objects: the stack-overflow shape. */
const deep = fc.tuple(fc.integer({ min: 10, max: 6000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
const RAW = Symbol('raw');
type Raw = { [RAW]: string };
const raw = (text: string): Raw => ({ [RAW]: text });
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.double(),
  fc.integer(),
  fc.constantFrom(null, true, -0, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
  fc.jsonValue({ maxDepth: 3 }),
  deep.map(raw),
  fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890').map(raw),
);

function toJson(value: unknown): string {
  if (value && typeof value === 'object' && RAW in value) return (value as Raw)[RAW];
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function bodies(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  const field = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x');
  const withField = fc.tuple(field, hostileValue).map(([k, v]) => ({ ...valid, [k]: v }));
  const nested = fc.tuple(field, hostileValue).map(([k, v]) => ({ ...valid, [k]: typeof valid[k] === 'object' && valid[k] !== null ? [v, { ...(valid[k] as object), bad: v }] : v }));
  const item = (valid.items as Record<string, unknown>[] | undefined)?.[0] ?? {};
  const batchItems = fc.array(fc.oneof(fc.constant(item), fc.tuple(fc.constantFrom(...Object.keys(item), 'extra'), hostileValue).map(([k, v]) => ({ ...item, [k]: v })), hostileValue), { minLength: 1, maxLength: 20 });
  return fc.oneof(
    { weight: 6, arbitrary: withField.map(toJson) },
    { weight: 2, arbitrary: nested.map(toJson) },
    { weight: 2, arbitrary: batchItems.map((items) => toJson({ items })) },
    fc.tuple(hostileString, hostileValue).map(([k, v]) => toJson({ ...valid, [k]: v })),
    field.map((k) => toJson(Object.fromEntries(Object.entries(valid).filter(([key]) => key !== k)))),
    hostileValue.map(toJson),
    deep,
    fc.string({ maxLength: 60 }),
    fc.constantFrom('', '{', '{"a":1,}', 'null', '[]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '{"a":"\\ud800"}'),
  );
}

/** The route's URL with each path parameter sometimes replaced by a hostile, percent-encoded string. */
function urls(url: string): fc.Arbitrary<string> {
  const parts = url.split('/');
  return fc.tuple(...parts.map((p) => (p && p !== 'v1' ? fc.oneof({ weight: 5, arbitrary: fc.constant(p) }, hostileString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '')))) : fc.constant(p)))).map((ps) => ps.join('/'));
}

const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'),
    'if-match': fc.oneof(fc.constantFrom('"0"', '"99999999999999999999"', 'W/"1"', '*', '"-1"'), fc.string({ maxLength: 30 })),
    'idempotency-key': fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }), special),
    'x-correlation-id': fc.string({ maxLength: 300 }),
  },
  { requiredKeys: ['content-type'] },
);

const UNCLEAN = /(?!\n)\p{Cc}|[\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

t.test(`${TOTAL} hostile requests over every write route: no 5xx, refusals append nothing`, async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  await ok(app, principals.instA, '/v1/courses', { ...WRITE_CASES[2]!.payload('institution'), courseId: 'c3' });
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const perRoute = Math.ceil(TOTAL / CASES.length);
  let requests = 0;
  let accepted = 0;
  for (const c of CASES) {
    const role = c.roles[0]!;
    await fc.assert(
      fc.asyncProperty(urls(c.url), bodies(c.payload(role)), headers, async (url, payload, hdrs) => {
        requests++;
        const head = await app.store.headPosition();
        const res = await app.as(AS[role], { method: 'POST', url, payload, headers: hdrs });
        const where = `${res.statusCode} POST ${url.slice(0, 200)} ${payload.slice(0, 200)}`;
        if (res.statusCode >= 500) throw new Error(`a server error: ${where} ${res.body.slice(0, 300)}`);
        if (res.statusCode >= 400) {
          const json = res.json();
          if (typeof json.error?.code !== 'string' || typeof json.error?.message !== 'string') throw new Error(`not the error shape: ${where} ${res.body}`);
          if ((await app.store.headPosition()) !== head) throw new Error(`a refused request appended: ${where}`);
        } else accepted++;
      }),
      { numRuns: perRoute, seed: Number(process.env.FUZZ_SEED ?? 1616) + requests },
    );
  }
  let unclean = 0;
  for await (const e of app.store.readAll()) {
    const strings = JSON.stringify(e.data).length > 0 ? collect(e.data) : [];
    for (const s of strings) if (UNCLEAN.test(s) || s !== s.normalize('NFC')) unclean++;
  }
  t.equal(unclean, 0, `the ${accepted} accepted requests stored only clean NFC text`);
  t.ok(requests >= TOTAL, `${requests} requests`);
});

function collect(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) collect(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collect(x, out);
  return out;
}

t.test('text with noise around it is stored cleaned, or refused when nothing is left', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const idNumber = uniqueIdNumbers(1616);
  let n = 0;
  let stored = 0;
  const noise = fc.array(fc.constantFrom(' ', '\u3000', '\t', '\u0000', '\u0007', '\u007f', '\u0085', '\u202e', '\u202a', '\u2067', '\u200e', '\u061c', '\ufeff'), { maxLength: 4 }).map((s) => s.join(''));
  const word = fc.constantFrom('张三丰', '李四', 'O\u2019Brien', 'Zoë', 'Zoe\u0308', '', 'ﾃｽﾄ', '한국');
  await fc.assert(
    fc.asyncProperty(noise, word, noise, word, noise, async (a, w1, b, w2, c) => {
      const name = `${a}${w1}${b}${w2}${c}`;
      const expected = name.normalize('NFC').replace(/[\p{Cc}\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '').trim();
      const personId = `fz${++n}`;
      const head = await app.store.headPosition();
      const res = await app.as(principals.employer, {
        method: 'POST',
        url: '/v1/persons',
        payload: { personId, idNumber: idNumber(), name, jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1' },
      });
      if (expected === '') return res.statusCode === 400 && res.json().error.details[0].path === 'body.name' && (await app.store.headPosition()) === head;
      if (res.statusCode !== 201) return false;
      stored++;
      const [e] = await app.store.readStream(`person-${personId}`);
      return e!.data.name === expected;
    }),
    { numRuns: Math.max(100, Math.ceil(TOTAL / 10)), seed: Number(process.env.FUZZ_SEED ?? 1616) },
  );
  t.ok(stored > 0, `${stored} names stored cleaned`);
});
