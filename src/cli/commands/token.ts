import { AdminLevel, Jurisdiction, Role } from '../../../schemas/common.js';
import { loadConfig } from '../../config/config.js';
import { Principal } from '../../security/principal.js';
import { loadSecrets } from '../../security/secrets.js';
import { RevokedTokens } from '../../security/token-revocations.js';
import { DEFAULT_TTL_SECONDS, issueToken, MAX_TTL_SECONDS, parseTtl } from '../../security/tokens.js';
import { configFlags, flagValue, parseCommandArgs, UsageError } from '../args.js';

export const usage =
  'ledger token --role R --subject S [--jurisdiction J] [--jurisdictions J1,J2] [--level city|county|province] [--ttl 1h|30m|7d|SECONDS]   print a bearer token (at most 30 days)\n' +
  '  ledger token revoke --jti ID [--until ISO-TIME]   deny a token before it expires (running servers see it within a second)';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    role: { type: 'string' },
    subject: { type: 'string' },
    jurisdiction: { type: 'string' },
    level: { type: 'string' },
    jurisdictions: { type: 'string' },
    ttl: { type: 'string' },
    jti: { type: 'string' },
    until: { type: 'string' },
  }, { positionals: true });
  const config = loadConfig(process.env, configFlags(values));
  if (positionals[0] === 'revoke') {
    if (!values.jti) throw new UsageError('--jti: the id of the token to revoke is required (`ledger token` prints it on stderr)');
    const until = values.until ? new Date(values.until) : new Date(Date.now() + MAX_TTL_SECONDS * 1000);
    if (Number.isNaN(until.getTime())) throw new UsageError(`--until: expected an ISO time such as 2026-12-31T00:00:00Z, not ${JSON.stringify(values.until)}`);
    RevokedTokens.revoke(config.dataDir, values.jti, until);
    process.stdout.write(`revoked token ${values.jti} (listed until ${until.toISOString()})\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unknown argument ${JSON.stringify(positionals[0])}`);
  const parsed = Principal.safeParse({
    role: flagValue(Role, values.role, 'role'),
    sub: values.subject,
    ...(values.jurisdiction ? { jurisdiction: flagValue(Jurisdiction, values.jurisdiction, 'jurisdiction') } : {}),
    ...(values.level ? { level: flagValue(AdminLevel, values.level, 'level') } : {}),
    ...(values.jurisdictions ? { jurisdictions: values.jurisdictions.split(',').map((j) => flagValue(Jurisdiction, j.trim(), 'jurisdictions')) } : {}),
  });
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new UsageError(`--${i.path[0] === 'sub' ? 'subject' : String(i.path[0] ?? 'role')}: ${i.message}`);
  }
  const ttl = values.ttl ? parseTtl(values.ttl) : DEFAULT_TTL_SECONDS;
  if (ttl === undefined) throw new UsageError(`--ttl: expected a duration such as 1h, 30m or 3600, not ${JSON.stringify(values.ttl)}`);
  if (ttl > MAX_TTL_SECONDS) throw new UsageError(`--ttl: a token lives at most ${MAX_TTL_SECONDS / 86_400} days (30d), not ${values.ttl}`);
  const issued = issueToken(loadSecrets(config.dataDir).jwtKey, parsed.data, { ttlSeconds: ttl });
  process.stderr.write(`jti ${issued.jti}, expires ${issued.expiresAt.toISOString()}\n`);
  process.stdout.write(`${issued.token}\n`);
  return 0;
}
