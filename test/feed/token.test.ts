import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadSecrets } from '../../src/security/secrets.js';
import { signToken, tokenVerifier } from '../../src/security/tokens.js';
import { tempDir } from '../support/tmp.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function ledger(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import=tsx', main, ...args], { encoding: 'utf8', env: { ...process.env, LEDGER_LOG_LEVEL: 'silent' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

t.test('ledger token --role reporting --jurisdictions: the claim the feed scopes by', async (t) => {
  const tmp = tempDir();
  t.teardown(tmp.remove);
  const made = ledger('token', '--role', 'reporting', '--subject', 'stats-office', '--jurisdictions', 'suzhou, fuzhou', '--data-dir', tmp.dir);
  t.equal(made.code, 0, made.err);
  const checked = tokenVerifier(loadSecrets(tmp.dir).jwtKey)(made.out.trim());
  t.match(checked, { ok: true, principal: { role: 'reporting', sub: 'stats-office', jurisdictions: ['suzhou', 'fuzhou'] } });
  const none = ledger('token', '--role', 'reporting', '--subject', 'stats-office', '--data-dir', tmp.dir);
  t.equal(none.code, 2);
  t.match(none.err, /jurisdictions: a reporting token names its jurisdictions/);
  const bad = ledger('token', '--role', 'reporting', '--subject', 's', '--jurisdictions', 'suzhou,beijing', '--data-dir', tmp.dir);
  t.equal(bad.code, 2);
  t.match(bad.err, /^ledger token: --jurisdictions: Invalid option: expected one of .* \(not "beijing"\)$/m);
  const key = Buffer.alloc(32, 1);
  const unscoped = signToken(key, { role: 'auditor', sub: 'a' });
  const unscopedChecked = tokenVerifier(key)(unscoped);
  t.ok(unscopedChecked.ok && !('jurisdictions' in unscopedChecked.principal), 'other roles carry no jurisdictions claim');
});
