import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import t from 'tap';
import { decodeQr } from '../../src/certificates/content.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import { loadSecrets } from '../../src/security/secrets.js';
import { Keyring } from '../../src/security/signing-keys.js';
import { RevokedTokens } from '../../src/security/token-revocations.js';
import { issueToken, MAX_TTL_SECONDS, TOKEN_AUDIENCE, TOKEN_ISSUER, tokenVerifier } from '../../src/security/tokens.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import { ok, seedZhengzhou } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

const ledger = (...args: string[]) => spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, LEDGER_DATA_DIR: '', LEDGER_LOG_LEVEL: 'silent' } });

const key = Buffer.alloc(32, 9);
const claims = { role: 'auditor', sub: 'aud-1' };
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the right key but claims exactly as the test gives them, as a careless or hostile issuer would. */
function forged(payload: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

t.test('a token without iss, aud, exp or jti, or for another issuer or audience, or issued for longer than the cap, is refused with 401', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  const full = { ...claims, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 600, jti: 'j1' };
  const get = (token: string) => app.app.inject({ url: '/v1/audit/integrity', headers: { authorization: `Bearer ${token}` } });
  t.equal((await get(forged(full))).statusCode, 200, 'all the claims: accepted');
  for (const missing of ['iss', 'aud', 'exp', 'jti', 'iat']) {
    const { [missing]: _dropped, ...rest } = full as Record<string, unknown>;
    const res = await get(forged(rest));
    t.same([res.statusCode, res.json().error.message], [401, 'token lacks a required claim (iss, aud, sub, iat, exp, jti)'], `without ${missing}`);
  }
  const otherIss = await get(forged({ ...full, iss: 'someone-else' }));
  t.same([otherIss.statusCode, otherIss.json().error.message], [401, 'token is for another issuer or audience']);
  t.equal((await get(forged({ ...full, aud: 'another-api' }))).statusCode, 401);
  const longLived = await get(forged({ ...full, exp: now() + 365 * 86_400 }));
  t.same([longLived.statusCode, longLived.json().error.message], [401, 'token issued for longer than 30 days'], 'past the cap, though signed with the right key');
  const expired = issueToken(key, principals.auditor, { ttlSeconds: 60, issuedAt: Date.now() - 120_000 });
  t.same((await get(expired.token)).json().error.message, 'token expired');
  t.throws(() => issueToken(key, principals.auditor, { ttlSeconds: MAX_TTL_SECONDS + 1 }), RangeError, 'nothing signs past the cap');
});

t.test('an issued token names its issuer, audience, expiry and id', async (t) => {
  const issued = issueToken(key, principals.zzBureau, { ttlSeconds: 3600 });
  const check = tokenVerifier(key)(issued.token);
  t.match(check, { ok: true, principal: principals.zzBureau, jti: issued.jti });
  const payload = JSON.parse(Buffer.from(issued.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
  t.match(payload, { iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, jti: issued.jti, sub: 'zz-city' });
  t.equal((payload.exp as number) - (payload.iat as number), 3600);
  t.equal(issued.expiresAt.getTime(), (payload.exp as number) * 1000);
});

t.test('`ledger token` caps the ttl; `ledger token revoke` denies a token to a running server before it expires', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const dir = ['--data-dir', tmp.dir];
  const tooLong = ledger('token', '--role', 'auditor', '--subject', 'a', '--ttl', '31d', ...dir);
  t.equal(tooLong.status, 2);
  t.match(tooLong.stderr, /--ttl: a token lives at most 30 days/);
  const made = ledger('token', '--role', 'auditor', '--subject', 'aud-1', '--ttl', '1h', ...dir);
  t.equal(made.status, 0, made.stderr);
  const jti = /^jti (\S+), expires (\S+)/.exec(made.stderr)?.[1];
  t.ok(jti, 'the token id is told on stderr (stdout is the token alone)');
  let clock = Date.now();
  const app = await testApp({ secrets: loadSecrets(tmp.dir), revokedTokens: RevokedTokens.open(tmp.dir, () => clock) });
  t.teardown(app.close);
  const get = () => app.app.inject({ url: '/v1/audit/integrity', headers: { authorization: `Bearer ${made.stdout.trim()}` } });
  t.equal((await get()).statusCode, 200);
  const revoked = ledger('token', 'revoke', '--jti', jti!, ...dir);
  t.equal(revoked.status, 0, revoked.stderr);
  clock += 1000;
  const refused = await get();
  t.same([refused.statusCode, refused.json().error.message], [401, 'token revoked'], 'the running server re-read its deny list');
  t.equal(ledger('token', 'revoke', ...dir).status, 2, 'revoke needs the id');
});

t.test('a key rotation by `ledger keys rotate` is seen by running servers: the next certificate is signed with the new key, and another replica verifies it', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const store = new MemoryEventStore(() => FIXED_NOW);
  const a = await testApp({ store, keyring: Keyring.open(tmp.dir) });
  const b = await testApp({ store, keyring: Keyring.open(tmp.dir) });
  t.teardown(async () => {
    await b.app.close();
    await b.read.close();
    await a.close();
  });
  const before = (await b.app.inject({ url: '/v1/keys' })).json().current as string;
  const rotated = ledger('keys', 'rotate', '--data-dir', tmp.dir);
  t.equal(rotated.status, 0, rotated.stderr);
  const newKey = /current signing key: (\S+)/.exec(rotated.stdout)?.[1];
  t.ok(newKey && newKey !== before);
  await seedZhengzhou(a);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(a, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await ok(a, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  t.equal(decodeQr(issued.qr)!.keyId, newKey, 'replica a signs with the key rotated in after it started');
  const stamp = await ok(a, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await b.read.runner.waitForPosition(BigInt(stamp.position), 2000);
  const verdict = (await b.app.inject({ url: `/v1/verify?qr=${encodeURIComponent(issued.qr)}&holder=张三丰` })).json().verdict;
  t.equal(verdict, 'authentic', 'replica b, started before the rotation, does not answer altered');
  t.equal((await b.app.inject({ url: '/v1/keys' })).json().current, newKey);
});

t.test('a verified token is kept by its whole text: its expiry still ends it, and another payload under its signature is refused', async (t) => {
  const verify = tokenVerifier(key);
  // Issued on a whole second, so that it expires 1 to 2 s from now, whatever the clock's milliseconds.
  const issued = issueToken(key, { role: 'auditor', sub: 'aud-1' }, { ttlSeconds: 3, issuedAt: (Math.floor(Date.now() / 1000) - 1) * 1000 });
  const first = verify(issued.token);
  const again = verify(issued.token);
  t.same([first.ok, again.ok], [true, true]);
  t.equal(again.ok && again.principal.sub, 'aud-1');
  t.ok(again.ok && Object.isFrozen(again.principal), 'the principal a cached token gives is shared, so it is frozen');
  const [header, , signature] = issued.token.split('.');
  const payload = Buffer.from(JSON.stringify({ role: 'bureau', sub: 'x', jurisdiction: 'zhengzhou', level: 'city', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now(), exp: now() + 60, jti: 'j' })).toString('base64url');
  t.same(verify(`${header}.${payload}.${signature}`), { ok: false, reason: 'invalid token' }, 'the signature of a cached token does not carry another payload');
  await new Promise((r) => setTimeout(r, issued.expiresAt.getTime() - Date.now() + 50));
  t.same(verify(issued.token), { ok: false, reason: 'token expired' }, 'the cached token expired');
});

t.test('past the tokens a verifier keeps, the oldest is let go and checked again when it comes back', async (t) => {
  const verify = tokenVerifier(key);
  const tokens = Array.from({ length: 1_001 }, (_, i) => issueToken(key, { role: 'auditor', sub: `aud-${i}` }).token);
  t.ok(tokens.every((token) => verify(token).ok), '1,001 distinct tokens verified');
  const first = verify(tokens[0]!);
  t.equal(first.ok && first.principal.sub, 'aud-0', 'the first, let go, is verified again and names its own subject');
  const last = verify(tokens[1_000]!);
  t.equal(last.ok && last.principal.sub, 'aud-1000');
});
