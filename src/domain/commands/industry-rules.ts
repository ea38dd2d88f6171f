import type { z } from 'zod';
import type { PersonRecord } from '../../../projections/person.js';
import { addIndustryRuleSet, jurisdictionsOf } from '../../../projections/registry.js';
import type { Registry } from '../../../projections/registry.js';
import type { RecordIndustryRuleSet } from '../../../schemas/commands.js';
import type { EventData } from '../../../schemas/events.js';
import { canonicalJson } from '../../store/integrity.js';
import type { EventStore, Json } from '../../store/port.js';
import { beijingDate } from '../../time/clock.js';
import { checkScope } from '../authorize.js';
import { execute, load } from '../handle.js';
import type { CommandContext, Evolve } from '../handle.js';
import { accept, reject } from '../result.js';
import { streams } from '../streams.js';

type RuleSetData = EventData<'IndustryRuleSetRecorded'>;

const PREFIX: Record<string, string> = { suzhou: 'SZ-', sichuan: 'SC-', fuzhou: 'FZ-' };

const evolve: Evolve<RuleSetData[]> = (s, e) => (e.type === 'IndustryRuleSetRecorded' ? [...s, e.data] : s);

const content = (d: Omit<RuleSetData, 'recordedOn' | 'jurisdiction'>) => canonicalJson({ requirement: d.requirement ?? null, hoursPerCredit: d.hoursPerCredit ?? null, ruleId: d.ruleId } as Json);

/** A bureau records an industry's rule set for its jurisdiction, from a date; one set per industry and date. */
export function recordIndustryRuleSet(ctx: CommandContext, cmd: z.infer<typeof RecordIndustryRuleSet>) {
  const denied = checkScope(ctx.actor, ['bureau'], { ...(ctx.actor.jurisdiction ? { jurisdiction: ctx.actor.jurisdiction } : {}) });
  if (denied) return Promise.resolve(denied);
  const jurisdiction = ctx.actor.jurisdiction!;
  if (!cmd.ruleId.startsWith(PREFIX[jurisdiction] ?? '?')) {
    return Promise.resolve(reject('RULE_VIOLATION', `${cmd.ruleId} is not a rule of ${jurisdiction}`, { ruleId: cmd.ruleId }));
  }
  return execute(ctx, {
    streamId: streams.industryRules(jurisdiction),
    initial: (): RuleSetData[] => [],
    evolve,
    decide: ({ state }) => {
      const same = state.find((s) => s.industry === cmd.industry && s.effectiveFrom === cmd.effectiveFrom);
      if (same) return content(same) === content(cmd) ? accept() : reject('CONFLICT', `${cmd.industry} already has a rule set from ${cmd.effectiveFrom}`);
      return accept({ type: 'IndustryRuleSetRecorded', data: { jurisdiction, ...cmd, recordedOn: beijingDate(ctx.clock()) } });
    },
  });
}

/** Adds to `registry` the industry rule sets that can bear on a person's years, read from the events. */
export async function loadIndustryRules(store: EventStore, registry: Registry, p: PersonRecord | undefined): Promise<Registry> {
  if (!p?.industry) return registry;
  for (const j of jurisdictionsOf(p)) {
    const { state } = await load(store, streams.industryRules(j), (): RuleSetData[] => [], evolve);
    for (const d of state) if (d.industry === p.industry) addIndustryRuleSet(registry, d);
  }
  return registry;
}
