import type { z } from 'zod';
import type { AccreditInstitution, WithdrawAccreditation } from '../../../schemas/commands.js';
import { checkRole, checkScope, mayKnow, notFound } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext } from '../handle.js';
import { accept, reject } from '../result.js';
import { evolveInstitution, initialInstitution } from '../state/institution.js';
import { streams } from '../streams.js';

export function accreditInstitution(ctx: CommandContext, cmd: z.infer<typeof AccreditInstitution>) {
  const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: cmd.jurisdiction });
  if (denied) return Promise.resolve(denied);
  return execute(ctx, {
    streamId: streams.institution(cmd.institutionId),
    initial: () => initialInstitution,
    evolve: evolveInstitution,
    decide: ({ state }) => {
      // An id another bureau holds is taken, and said so without naming where (authorize.ts, rule 2).
      if (state.exists && state.jurisdiction !== cmd.jurisdiction) return reject('CONFLICT', `institution id ${cmd.institutionId} is already taken`);
      if (state.exists && !state.withdrawnOn) return reject('CONFLICT', `institution ${cmd.institutionId} is already accredited`);
      return accept({ type: 'InstitutionAccredited', data: cmd });
    },
  });
}

export function withdrawAccreditation(ctx: CommandContext, institutionId: string, cmd: z.infer<typeof WithdrawAccreditation>) {
  const denied = checkRole(ctx.actor, ['bureau']);
  if (denied) return Promise.resolve(denied);
  return execute(ctx, {
    streamId: streams.institution(institutionId),
    initial: () => initialInstitution,
    evolve: evolveInstitution,
    visible: ({ state }) => (state.exists && mayKnow(ctx.actor, { jurisdiction: state.jurisdiction, institutionId }) ? undefined : notFound.institution(institutionId)),
    decide: ({ state }) => {
      if (state.withdrawnOn) return reject('CONFLICT', `accreditation already withdrawn on ${state.withdrawnOn}`);
      if (cmd.effectiveOn < state.accreditedOn!) {
        return reject('RULE_VIOLATION', `withdrawal ${cmd.effectiveOn} precedes accreditation ${state.accreditedOn}`, { ruleId: 'ZZ-4' });
      }
      return accept({ type: 'InstitutionAccreditationWithdrawn', data: { institutionId, ...cmd } });
    },
  });
}
