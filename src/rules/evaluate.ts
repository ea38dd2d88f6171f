import { CATEGORIES } from '../../schemas/common.js';
import type { Category } from '../../schemas/common.js';
import { GENERAL_RULES } from './general.js';
import { ruleSetFor } from './registry.js';
import type { CreditWork, RuleContext, RuleOptions } from './rule-set.js';
import type { ByCategory, Evaluation, PersonYearFacts, Requirement } from './types.js';

const zero = (): ByCategory => ({ public: 0, professional: 0, elective: 0, total: 0 });

function add(to: ByCategory, category: Category, hours: number): void {
  to[category] += hours;
  to.total += hours;
}

/** An industry's own rule wins over the bureau's floors (SZ-3, SC-1, FZ-3). */
function requirementFor(facts: PersonYearFacts, base: Requirement, options: RuleOptions): Requirement {
  const override = facts.industry ? options.industryOverrides?.[facts.jurisdiction]?.[facts.industry] : undefined;
  if (!override?.requirement) return base;
  return { ...override.requirement, ruleIds: [...override.requirement.ruleIds, override.ruleId] };
}

/** A recorded industry rule set (data) wins over the evaluator's configured overrides for its industry. */
function withIndustryRule(facts: PersonYearFacts, options: RuleOptions): RuleOptions {
  const rule = facts.industryRule;
  if (!rule) return options;
  const out: RuleOptions = { ...options };
  if (rule.hoursPerCredit !== undefined) out.creditTables = { ...options.creditTables, [rule.industry]: rule.hoursPerCredit };
  if (rule.requirement) {
    const byIndustry = { ...options.industryOverrides?.[facts.jurisdiction], [rule.industry]: { ruleId: rule.ruleId, requirement: { ...rule.requirement, ruleIds: [] } } };
    out.industryOverrides = { ...options.industryOverrides, [facts.jurisdiction]: byIndustry };
  }
  return out;
}

/**
 * Has this person met the year's requirement, and if not, why? Pure and deterministic: the same
 * facts in any order give the same evaluation.
 */
export function evaluate(facts: PersonYearFacts, configured: RuleOptions = {}): Evaluation {
  const options = withIndustryRule(facts, configured);
  const ruleSet = ruleSetFor(facts.jurisdiction, facts.year);
  const ctx: RuleContext = { facts, options, flags: [] };
  const works: CreditWork[] = [...facts.credits]
    .sort((a, b) => (a.creditId < b.creditId ? -1 : a.creditId > b.creditId ? 1 : 0))
    .map((fact) => {
      const claimed = ruleSet.claimedHours(fact, ctx);
      return { fact, category: fact.category, claimed, hours: claimed, status: 'counted' as const, reasons: [] };
    });
  for (const rule of [...GENERAL_RULES, ...ruleSet.creditRules]) {
    for (const w of works) if (w.status !== 'excluded') rule(w, ctx);
  }
  for (const rule of ruleSet.yearRules) rule(works, ctx);

  const claimed = zero();
  const counted = zero();
  for (const w of works) {
    add(claimed, w.category, w.claimed);
    if (w.status === 'counted') add(counted, w.category, w.hours);
  }
  const required = requirementFor(facts, ruleSet.requirement(facts.titleLevel), options);
  const shortfall = zero();
  for (const c of CATEGORIES) shortfall[c] = Math.max(0, (required.floors[c] ?? 0) - counted[c]);
  shortfall.total = Math.max(0, required.total - counted.total);

  return {
    personId: facts.personId,
    year: facts.year,
    jurisdiction: facts.jurisdiction,
    titleLevel: facts.titleLevel,
    ruleSet: { id: ruleSet.id, version: ruleSet.version, effectiveFrom: ruleSet.effectiveFrom },
    required,
    claimed,
    counted,
    credits: works.map((w) => ({
      creditId: w.fact.creditId,
      source: w.fact.source,
      category: w.category,
      claimed: w.claimed,
      counted: w.status === 'counted' ? w.hours : 0,
      status: w.status === 'counted' && w.hours < w.claimed ? 'partly-counted' : w.status,
      reasons: w.reasons,
    })),
    excluded: works.flatMap((w) =>
      w.reasons.filter((r) => r.effect !== 'pending').map((r) => ({ creditId: w.fact.creditId, ruleId: r.ruleId, reason: r.message, hours: r.hours })),
    ),
    flags: ctx.flags,
    shortfall,
    compliant: CATEGORIES.every((c) => shortfall[c] === 0) && shortfall.total === 0,
    ...(facts.industryRule ? { industryRule: { industry: facts.industryRule.industry, ruleId: facts.industryRule.ruleId, effectiveFrom: facts.industryRule.effectiveFrom } } : {}),
  };
}
