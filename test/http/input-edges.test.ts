import net from 'node:net';
import t from 'tap';
import { principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';

const person = (name: unknown, extra: Record<string, unknown> = {}) => ({ personId: 'p2', idNumber: ID_NUMBERS.p2, name, jurisdiction: 'zhengzhou', titleLevel: 'junior', employerId: 'emp-1', ...extra });

t.test('bodies that used to overflow the stack or slip past the schema are 400s that append nothing', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const head = await app.store.headPosition();
  const post = (url: string, payload: string) => app.as(principals.instA, { method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
  const nested = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  for (const [what, url, payload] of [
    ['a batch of 5,000 nested arrays', '/v1/completions/batch', `{"items":[${nested}]}`],
    ['5,000 nested objects', '/v1/completions', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`],
    ['a number JSON makes infinite', '/v1/completions/batch', '{"items":[1e999]}'],
  ] as const) {
    const res = await post(url, payload);
    t.equal(res.statusCode, 400, what);
    t.equal(res.json().error.code, 'VALIDATION_FAILED');
    t.equal(res.json().error.details[0].path, 'body');
  }
  t.equal(await app.store.headPosition(), head, 'none of them appended anything');
});

t.test('text is NFC-normalised and cleaned of control and bidi characters; blank and broken text refused', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await seedZhengzhou(app);
  const register = (name: unknown, extra: Record<string, unknown> = {}) => app.as(principals.employer, { method: 'POST', url: '/v1/persons', payload: person(name, extra) });
  const head = await app.store.headPosition();
  for (const [what, name] of [
    ['whitespace only', ' \u3000\t '],
    ['control characters only', '\u0000\u0007\u001b'],
    ['bidi controls only', '\u202e\u2066\u200f'],
    ['a lone surrogate', '李\ud800四'],
    ['too long once cleaned', '李'.repeat(101)],
  ] as const) {
    const res = await register(name);
    t.equal(res.statusCode, 400, what);
    t.equal(res.json().error.details[0].path, 'body.name', `${what}: the field is named`);
  }
  t.equal((await register('李四', { industry: '   ' })).statusCode, 400, 'a blank optional field is refused too');
  t.equal(await app.store.headPosition(), head, 'the refusals appended nothing');

  const res = await register(' \u202e李\u0000四\u200f ', { industry: 'Cafe\u0301' });
  t.equal(res.statusCode, 201);
  const [registered] = await app.store.readStream('person-p2');
  t.equal(registered!.data.name, '李四', 'controls, bidi marks and the outer spaces are gone');
  t.equal(registered!.data.industry, 'Caf\u00e9', 'e + combining acute is stored as one é (NFC)');

  await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' });
  await ok(app, principals.zzBureau, '/v1/credits/p1:c1/revocation', { reason: 'line one\r\nline\u0000 two\u202e' });
  const revoked = (await app.store.readStream('person-p1')).at(-1)!;
  t.equal(revoked.data.reason, 'line one\nline two', 'multi-line text keeps its line breaks (CR LF as LF)');
});

t.test('raw UTF-8 in a URL gets the API error shape', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.app.server.address() as net.AddressInfo;
  const send = (path: string) =>
    new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => s.end(Buffer.concat([Buffer.from('GET '), Buffer.from(path, 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')])));
      let out = '';
      s.on('data', (c: Buffer) => (out += c.toString()));
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
  const answer = await send('/v1/verify/ZZ-2014-000001?holder=张三丰');
  t.match(answer, /^HTTP\/1\.1 400 /);
  t.match(answer, /content-type: application\/json/i);
  const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
  t.equal(body.error.code, 'VALIDATION_FAILED');
  t.match(body.error.message, /percent-encoded/);
  const badEscape = await app.app.inject({ method: 'POST', url: '/v1/persons/%/title', payload: {} });
  t.equal(badEscape.statusCode, 400);
  t.equal(badEscape.json().error.code, 'VALIDATION_FAILED');
});
