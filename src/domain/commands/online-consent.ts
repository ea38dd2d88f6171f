import type { z } from 'zod';
import type { ConsentOnlineStudy } from '../../../schemas/commands.js';
import { beijingDate } from '../../time/clock.js';
import { checkRole, checkScope, hiddenPerson } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext } from '../handle.js';
import { accept, reject } from '../result.js';
import { evolvePerson, initialPerson } from '../state/person.js';
import { streams } from '../streams.js';

/** ST-8: the Shantou bureau consents, beforehand, to a person working away taking public hours online. */
export async function consentOnlineStudy(ctx: CommandContext, personId: string, cmd: z.infer<typeof ConsentOnlineStudy>) {
  const wrongRole = checkRole(ctx.actor, ['bureau']);
  if (wrongRole) return wrongRole;
  return execute(ctx, {
    streamId: streams.person(personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => hiddenPerson(ctx.actor, state.record, personId),
    decide: ({ state }) => {
      const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: state.jurisdiction });
      if (denied) return denied;
      if (state.jurisdiction !== 'shantou') return reject('RULE_VIOLATION', `${state.jurisdiction} sets no consent for online public hours`, { ruleId: 'ST-8' });
      if (cmd.consentedOn > beijingDate(ctx.clock())) return reject('RULE_VIOLATION', `a consent dated ${cmd.consentedOn} is in the future`, { ruleId: 'ST-8' });
      return accept({ type: 'OnlineStudyConsented', data: { personId, ...cmd }, key: `online-consent:${cmd.consentedOn}:${cmd.until ?? ''}` });
    },
  });
}
