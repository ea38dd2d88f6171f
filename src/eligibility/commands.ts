import type { z } from 'zod';
import { foldPerson } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { emptyRegistry } from '../../projections/registry.js';
import type { Registry } from '../../projections/registry.js';
import type { ChangeTitle, ExcuseMissedYear } from '../../schemas/commands.js';
import type { Role, TitleLevel } from '../../schemas/common.js';
import { checkRole, checkScope, hiddenPerson } from '../domain/authorize.js';
import { execute } from '../domain/handle.js';
import type { CommandContext, Draft, Evolve } from '../domain/handle.js';
import { accept, reject } from '../domain/result.js';
import { streams } from '../domain/streams.js';
import { evaluate } from '../rules/evaluate.js';
import type { RuleOptions } from '../rules/rule-set.js';
import { personYearFacts } from '../../projections/person-year-facts.js';
import { beijingDate } from '../time/clock.js';
import { assessEligibility } from './gates.js';
import type { EmployerFact } from './gates.js';
import { loadGateContext } from './load.js';

const LEVELS: TitleLevel[] = ['junior', 'intermediate', 'deputy-senior', 'senior'];

const evolveRecord: Evolve<PersonRecord | undefined> = (s, e, recorded) => foldPerson(s, e, recorded.position).record;

interface GateContext {
  registry: Registry;
  employers: Map<string, EmployerFact>;
  today: string;
}

/** A command on a registered person by `roles`; someone who may not know of the person is answered as for no such person. */
async function personCommand(ctx: CommandContext, personId: string, roles: Role[], decide: (record: PersonRecord, loaded: GateContext) => ReturnType<typeof reject> | { ok: true; events: Draft[] }) {
  const denied = checkRole(ctx.actor, roles);
  if (denied) return denied;
  return execute<PersonRecord | undefined, object, GateContext>(ctx, {
    streamId: streams.person(personId),
    initial: () => undefined,
    evolve: evolveRecord,
    visible: ({ state }) => hiddenPerson(ctx.actor, state, personId),
    prepare: async ({ state }) => ({
      ...(state ? await loadGateContext(ctx.store, state) : { registry: emptyRegistry(), employers: new Map() }),
      today: beijingDate(ctx.clock()),
    }),
    decide: ({ state }, loaded) => decide(state!, loaded),
  });
}

/**
 * A title change. A promotion (a higher level) passes the jurisdiction's gate (ZZ-8, SZ-8, FZ-7)
 * judged on its effective date, or is refused with the gate's rule id; the bureau may let it through
 * with a reason, recorded as an override event beside the change.
 */
export function changeTitle(ctx: CommandContext, personId: string, cmd: z.infer<typeof ChangeTitle>, rules?: RuleOptions) {
  return personCommand(ctx, personId, ['bureau', 'employer'], (record, loaded) => {
    const denied = checkScope(ctx.actor, ['bureau', 'employer'], { jurisdiction: record.jurisdiction, employerId: record.employerId, personId });
    if (denied) return denied;
    if (record.titleLevel === cmd.to) return reject('CONFLICT', `title is already ${cmd.to}`);
    if (cmd.override && ctx.actor.role !== 'bureau') return reject('FORBIDDEN', 'only the bureau overrides a promotion gate');
    const { override, ...change } = cmd;
    const changed: Draft = { type: 'PersonTitleChanged', data: { personId, from: record.titleLevel, ...change } };
    if (LEVELS.indexOf(cmd.to) <= LEVELS.indexOf(record.titleLevel)) return accept(changed);
    const gate = assessEligibility({ record, registry: loaded.registry, employers: loaded.employers, for: 'promotion', on: cmd.effectiveOn, ...(rules ? { rules } : {}) });
    if (gate.eligible) return accept(changed);
    if (!override) {
      const first = gate.unmet[0]!;
      return reject('RULE_VIOLATION', `not eligible for promotion: ${first.message}`, { ruleId: first.ruleId, details: { unmet: gate.unmet } });
    }
    return accept<Draft>(
      {
        type: 'EligibilityGateOverridden',
        data: { personId, for: 'promotion', from: record.titleLevel, to: cmd.to, ruleIds: [...new Set(gate.unmet.map((u) => u.ruleId))], reason: override.reason, recordedOn: loaded.today },
      },
      changed,
    );
  });
}

/** SC-9: the bureau records a good reason for a year the person missed (a compliant year needs none). */
export function excuseMissedYear(ctx: CommandContext, personId: string, year: number, cmd: z.infer<typeof ExcuseMissedYear>, rules?: RuleOptions) {
  return personCommand(ctx, personId, ['bureau'], (record, loaded) => {
    const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: record.jurisdiction });
    if (denied) return denied;
    if (year > Number(loaded.today.slice(0, 4))) return reject('RULE_VIOLATION', `${year} has not happened yet`);
    const standing = record.excusedYears?.[String(year)];
    if (standing) return standing.reason === cmd.reason ? accept() : reject('CONFLICT', `a reason for ${year} was already recorded on ${standing.recordedOn}`);
    if (evaluate(personYearFacts(record, loaded.registry, year), rules).compliant) return reject('CONFLICT', `${year} was not missed: its hours are complete`);
    return accept<Draft>({ type: 'MissedYearExcused', data: { personId, year, reason: cmd.reason, recordedOn: loaded.today }, key: `excuse:${year}` });
  });
}
