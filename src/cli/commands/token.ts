import { AdminLevel, Jurisdiction, Role } from '../../../schemas/common.js';
import { loadConfig } from '../../config/config.js';
import { Principal } from '../../security/principal.js';
import { loadSecrets } from '../../security/secrets.js';
import { parseTtl, signToken } from '../../security/tokens.js';
import { configFlags, parseCommandArgs } from '../args.js';

export const usage = 'ledger token --role R --subject S [--jurisdiction J] [--jurisdictions J1,J2] [--level city|county|province] [--ttl 1h|30m|7d|SECONDS]   print a bearer token';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    role: { type: 'string' },
    subject: { type: 'string' },
    jurisdiction: { type: 'string' },
    level: { type: 'string' },
    jurisdictions: { type: 'string' },
    ttl: { type: 'string' },
  });
  const config = loadConfig(process.env, configFlags(values));
  const parsed = Principal.safeParse({
    role: Role.parse(values.role),
    sub: values.subject,
    ...(values.jurisdiction ? { jurisdiction: Jurisdiction.parse(values.jurisdiction) } : {}),
    ...(values.level ? { level: AdminLevel.parse(values.level) } : {}),
    ...(values.jurisdictions ? { jurisdictions: values.jurisdictions.split(',').map((j) => j.trim()) } : {}),
  });
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => `${i.path.join('.') || 'token'}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  const ttl = values.ttl ? parseTtl(values.ttl) : 8 * 3600;
  if (ttl === undefined) {
    process.stderr.write(`ttl: expected a duration such as 1h, 30m or 3600, not ${values.ttl}\n`);
    return 2;
  }
  process.stdout.write(`${signToken(loadSecrets(config.dataDir).jwtKey, parsed.data, ttl)}\n`);
  return 0;
}
