import type { z } from 'zod';
import type { RecordCreditFileEntry } from '../../../schemas/commands.js';
import { beijingDate } from '../../time/clock.js';
import { checkRole, mayKnow, notFound } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext, Draft } from '../handle.js';
import { accept, reject } from '../result.js';
import { countCreditFileEntries, evolveInstitution, initialInstitution } from '../state/institution.js';
import type { InstitutionState } from '../state/institution.js';
import { streams } from '../streams.js';

interface Folded {
  institution: InstitutionState;
  entries: number;
}

/**
 * The bureau of the institution's jurisdiction records a finding or a sanction in its credit file.
 * A withdrawal of accreditation also withdraws it, in the same append, so the record and the
 * accreditation never disagree.
 */
export function recordCreditFileEntry(ctx: CommandContext, institutionId: string, cmd: z.infer<typeof RecordCreditFileEntry>) {
  const denied = checkRole(ctx.actor, ['bureau']);
  if (denied) return Promise.resolve(denied);
  return execute<Folded>(ctx, {
    streamId: streams.institution(institutionId),
    initial: () => ({ institution: initialInstitution, entries: 0 }),
    evolve: (s, e) => ({ institution: evolveInstitution(s.institution, e), entries: countCreditFileEntries(s.entries, e) }),
    visible: ({ state: { institution: i } }) => (i.exists && mayKnow(ctx.actor, { jurisdiction: i.jurisdiction, institutionId }) ? undefined : notFound.institution(institutionId)),
    decide: ({ state }) => {
      const i = state.institution;
      const today = beijingDate(ctx.clock());
      if (cmd.effectiveOn > today) return reject('RULE_VIOLATION', `an entry dated ${cmd.effectiveOn} is in the future`);
      const entry: Draft = {
        type: 'CreditFileEntryRecorded',
        data: { entryId: `${institutionId}-${state.entries + 1}`, institutionId, jurisdiction: i.jurisdiction!, ...cmd, recordedOn: today },
      };
      if (cmd.kind !== 'accreditation-withdrawn' || cmd.trainer) return accept(entry);
      if (i.withdrawnOn) return reject('CONFLICT', `accreditation already withdrawn on ${i.withdrawnOn}`);
      if (cmd.effectiveOn < i.accreditedOn!) return reject('RULE_VIOLATION', `withdrawal ${cmd.effectiveOn} precedes accreditation ${i.accreditedOn}`);
      return accept<Draft>(entry, { type: 'InstitutionAccreditationWithdrawn', data: { institutionId, effectiveOn: cmd.effectiveOn, reason: cmd.description.slice(0, 1000) } });
    },
  });
}
