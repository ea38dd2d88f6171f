import type { z } from 'zod';
import type { RegisterEmployer } from '../../../schemas/commands.js';
import type { EmployerFact } from '../../eligibility/gates.js';
import { beijingDate } from '../../time/clock.js';
import { checkScope } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext, Evolve } from '../handle.js';
import { accept, reject } from '../result.js';
import { streams } from '../streams.js';

export const evolveEmployer: Evolve<EmployerFact | undefined> = (s, e) =>
  e.type === 'EmployerRegistered' ? { employerId: e.data.employerId, name: e.data.name, type: e.data.type, jurisdiction: e.data.jurisdiction } : s;

/** The bureau of the employer's jurisdiction registers it with its legal form, once. */
export function registerEmployer(ctx: CommandContext, cmd: z.infer<typeof RegisterEmployer>) {
  const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: cmd.jurisdiction });
  if (denied) return Promise.resolve(denied);
  return execute(ctx, {
    streamId: streams.employer(cmd.employerId),
    initial: () => undefined,
    evolve: evolveEmployer,
    decide: ({ state }) => {
      if (state) {
        // An id another bureau holds is taken, and said so without naming where (authorize.ts, rule 2).
        if (state.jurisdiction !== cmd.jurisdiction) return reject('CONFLICT', `employer id ${cmd.employerId} is already taken`);
        const same = state.name === cmd.name && state.type === cmd.type;
        return same ? accept() : reject('CONFLICT', `employer ${cmd.employerId} is already registered as a ${state.type}`);
      }
      return accept({ type: 'EmployerRegistered', data: { ...cmd, registeredOn: cmd.registeredOn ?? beijingDate(ctx.clock()) } });
    },
  });
}
