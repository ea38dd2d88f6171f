import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { hashIdNumber, isValidIdNumber, maskIdNumber } from '../../src/security/id-number.js';
import { loadSecrets } from '../../src/security/secrets.js';
import { issueToken, parseTtl, signToken, tokenVerifier } from '../../src/security/tokens.js';
import { principals, testApp } from '../support/app.js';
import { tempDir } from '../support/tmp.js';

t.test('ID numbers: the GB 11643 check character, a lower-case x, the mask', async (t) => {
  t.ok(isValidIdNumber('11010519491231002X'), "the standard's own example");
  t.ok(isValidIdNumber('11010519491231002x'), 'a lower-case x is the same number');
  t.equal(hashIdNumber(Buffer.alloc(32, 1), '11010519491231002x'), hashIdNumber(Buffer.alloc(32, 1), '11010519491231002X'));
  t.notOk(isValidIdNumber('110105194912310021'), 'wrong check character');
  t.notOk(isValidIdNumber('110105194902300028'), 'no 30 February');
  t.notOk(isValidIdNumber('11010519491231002'), '17 characters');
  t.equal(maskIdNumber('410102198501159812'), '4101**********9812');
  t.not(hashIdNumber(Buffer.alloc(32, 1), '410102198501159812'), hashIdNumber(Buffer.alloc(32, 2), '410102198501159812'), 'the pepper keys the hash');

  const body = fc
    .tuple(fc.integer({ min: 110000, max: 659999 }), fc.date({ min: new Date('1930-01-01'), max: new Date('2010-12-31'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }))
    .map(([area, birth, seq]) => `${area}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`);
  fc.assert(
    fc.property(body, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (first17, at, delta) => {
      const valid = [...'0123456789X'].filter((c) => isValidIdNumber(first17 + c));
      if (valid.length !== 1) return false;
      // MOD 11-2 catches every single-digit error.
      const changed = first17.slice(0, at) + String((Number(first17[at]) + delta) % 10) + first17.slice(at + 1);
      return !isValidIdNumber(changed + valid[0]);
    }),
  );
});

t.test('secrets: created once with mode 0600, then reused', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const first = loadSecrets(dir);
  for (const name of ['id-pepper', 'jwt-key']) t.equal(statSync(join(dir, 'secrets', name)).mode & 0o777, 0o600, `${name} is 0600`);
  const again = loadSecrets(dir);
  t.ok(first.idPepper.equals(again.idPepper) && first.jwtKey.equals(again.jwtKey), 'a restart reads the same keys');
  t.equal(first.idPepper.length, 32);
  t.notOk(first.idPepper.equals(first.jwtKey));
});

t.test('tokens: ttl, expiry, another key', async (t) => {
  t.same(['90', '90s', '30m', '1h', '7d', '0', '1y', '-1'].map(parseTtl), [90, 90, 1800, 3600, 604_800, undefined, undefined, undefined]);
  const key = Buffer.alloc(32, 3);
  const verify = tokenVerifier(key);
  t.match(verify(signToken(key, principals.zzBureau)), { ok: true, principal: principals.zzBureau });
  t.same(verify(signToken(Buffer.alloc(32, 4), principals.zzBureau)), { ok: false, reason: 'invalid token' });
  const app = await testApp();
  t.teardown(app.close);
  const expired = issueToken(app.secrets.jwtKey, principals.zzBureau, { ttlSeconds: 60, issuedAt: Date.now() - 120_000 }).token;
  const res = await app.app.inject({ method: 'POST', url: '/v1/institutions', payload: {}, headers: { authorization: `Bearer ${expired}` } });
  t.equal(res.statusCode, 401);
  t.same(res.json().error.message, 'token expired');
});

t.test('`ledger token` signs with the data dir the server uses', async (t) => {
  const { dir, remove } = tempDir();
  t.teardown(remove);
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', 'token', '--data-dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, LEDGER_DATA_DIR: '' } });
  const out = cli('--role', 'bureau', '--subject', 'sz-city', '--jurisdiction', 'suzhou', '--level', 'city', '--ttl', '1h');
  t.equal(out.status, 0, out.stderr);
  const checked = tokenVerifier(loadSecrets(dir).jwtKey)(out.stdout.trim());
  t.match(checked, { ok: true, principal: { role: 'bureau', sub: 'sz-city', jurisdiction: 'suzhou', level: 'city' } });
  t.equal(cli('--role', 'bureau', '--subject', 'x').status, 2, 'a bureau token names its jurisdiction');
  t.equal(cli('--role', 'institution', '--subject', 'i', '--ttl', 'soon').status, 2, 'a ttl that is no duration');
});
