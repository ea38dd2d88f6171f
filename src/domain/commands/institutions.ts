import type { z } from 'zod';
import type { AccreditInstitution, WithdrawAccreditation } from '../../../schemas/commands.js';
import { checkScope } from '../authorize.js';
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
      if (state.exists && !state.withdrawnOn) return reject('CONFLICT', `institution ${cmd.institutionId} is already accredited`);
      if (state.exists && state.jurisdiction !== cmd.jurisdiction) {
        return reject('CONFLICT', `institution ${cmd.institutionId} belongs to ${state.jurisdiction}`);
      }
      return accept({ type: 'InstitutionAccredited', data: cmd });
    },
  });
}

export function withdrawAccreditation(ctx: CommandContext, institutionId: string, cmd: z.infer<typeof WithdrawAccreditation>) {
  return execute(ctx, {
    streamId: streams.institution(institutionId),
    initial: () => initialInstitution,
    evolve: evolveInstitution,
    decide: ({ state }) => {
      if (!state.exists) return reject('NOT_FOUND', `institution ${institutionId} is not accredited`);
      const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: state.jurisdiction });
      if (denied) return denied;
      if (state.withdrawnOn) return reject('CONFLICT', `accreditation already withdrawn on ${state.withdrawnOn}`);
      if (cmd.effectiveOn < state.accreditedOn!) {
        return reject('RULE_VIOLATION', `withdrawal ${cmd.effectiveOn} precedes accreditation ${state.accreditedOn}`, { ruleId: 'ZZ-4' });
      }
      return accept({ type: 'InstitutionAccreditationWithdrawn', data: { institutionId, ...cmd } });
    },
  });
}
