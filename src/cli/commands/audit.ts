import { parseAsOf, personHistory } from '../../certificates/audit.js';
import type { AuditHistory } from '../../certificates/audit.js';
import { loadConfig } from '../../config/config.js';
import { openStore } from '../../store/open-store.js';
import { configFlags, parseCommandArgs, UsageError } from '../args.js';
import { run as runCheckpoint, usage as checkpointUsage } from './audit-checkpoint.js';
import { checkLogAgainst } from './verify-chain.js';

export const usage =
  'ledger audit history --person ID [--as-of YYYY-MM-DD|POSITION] [--format text|ndjson]   a person’s timeline and state as of then\n' +
  '  ledger audit integrity   re-check every hash chain and the log; exit 1 on a broken link\n' +
  `  ${checkpointUsage}`;

function timeline(h: AuditHistory): string {
  const lines = [`person ${h.personId}${h.asOf.date ? ` as of ${h.asOf.date}` : h.asOf.position ? ` as of position ${h.asOf.position}` : ''}`, ''];
  for (const e of h.events) {
    const actor = e.actor ? `${String(e.actor.role)}:${String(e.actor.id)}` : '?';
    lines.push(`${e.recordedAt}  #${e.position.padStart(8)}  r${e.revision.padEnd(4)} ${e.type.padEnd(28)} by ${actor.padEnd(24)} ${e.hash.slice(0, 12)}`);
  }
  lines.push('', 'state then:');
  for (const y of h.state.years) {
    const c = y.certificate ? `certificate ${y.certificate.certificateNumber} ${y.certificate.status}` : 'no certificate';
    lines.push(`  ${y.year} ${y.jurisdiction}: ${y.compliant ? 'compliant' : 'NOT compliant'}, ${y.counted.total} hours counted (public ${y.counted.public}, professional ${y.counted.professional}, elective ${y.counted.elective}); ${c}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === 'checkpoint') return runCheckpoint(argv);
  const { values, positionals } = parseCommandArgs(argv, { person: { type: 'string' }, 'as-of': { type: 'string' }, format: { type: 'string' } }, { positionals: true });
  const config = loadConfig(process.env, configFlags(values));
  const what = positionals[0];
  if (what !== 'integrity' && what !== 'history') throw new UsageError(what === undefined ? 'say history or integrity' : `no audit ${JSON.stringify(what)}: say history or integrity`);
  if (what === 'history' && !values.person) throw new UsageError('--person: the person whose history to show is required');
  const asOf = parseAsOf(values['as-of']);
  if (!asOf) throw new UsageError(`--as-of: expected a date YYYY-MM-DD or a position, not ${JSON.stringify(values['as-of'])}`);
  const store = await openStore(config);
  try {
    if (what === 'integrity') {
      const v = await store.verifyAll();
      if (v.ok) {
        process.stdout.write(`ok: ${v.events} events in ${v.streams} streams, every chain intact\n`);
        return (await checkLogAgainst(store, config)) ? 0 : 1;
      }
      process.stdout.write(`BROKEN: stream ${v.broken.streamId} revision ${v.broken.revision} (position ${v.broken.position}): ${v.broken.reason}\n`);
      return 1;
    }
    const h = await personHistory(store, values.person!, asOf);
    if (!h) {
      process.stderr.write(`no events for person ${values.person}\n`);
      return 1;
    }
    if (values.format === 'ndjson') {
      for (const e of h.events) process.stdout.write(`${JSON.stringify({ personId: h.personId, ...e })}\n`);
      process.stdout.write(`${JSON.stringify({ personId: h.personId, asOf: h.asOf, state: h.state })}\n`);
    } else {
      process.stdout.write(timeline(h));
    }
    return 0;
  } finally {
    await store.close();
  }
}
