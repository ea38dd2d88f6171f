import { allowedConversionKinds, conversionRange, conversionRuleId } from './conversions.js';
import type { RuleSet } from './rule-set.js';
import { defaultClaimedHours, exclude, forConversions, isApproved, pend, unrecognisedConversions } from './rule-set.js';

const AWARDS = new Set(['award-provincial', 'award-national']);

/** Suzhou, seed 001 (issued 2013-03-12). */
export const SUZHOU_2013: RuleSet = {
  id: 'suzhou-2013',
  jurisdiction: 'suzhou',
  version: 1,
  effectiveFrom: '2013-03-12',
  requirement: (titleLevel) =>
    titleLevel === 'junior'
      ? { total: 42, floors: { public: 14, professional: 28 }, ruleIds: ['SZ-2'] }
      : { total: 72, floors: { public: 24, professional: 48 }, ruleIds: ['SZ-1'] },
  claimedHours: defaultClaimedHours,
  creditRules: [
    unrecognisedConversions(conversionRuleId('suzhou'), allowedConversionKinds('suzhou')),
    forConversions((w, ctx) => {
      const range = conversionRange('suzhou', ctx.facts.year, w.fact.kind);
      if (range && (w.hours < range.min || w.hours > range.max)) {
        exclude(w, 'SZ-5', `${w.fact.kind} converts to ${range.min}–${range.max} class hours; ${w.hours} is outside the range`);
      }
    }),
    forConversions((w) => {
      if (w.fact.kind === 'other') {
        // The employer reviews a claim first (the order every claim follows), then the bureau decides.
        if (!isApproved(w.fact, 'bureau')) pend(w, 'SZ-7', 'other conversions count only once the city bureau has decided their value', isApproved(w.fact, 'employer') ? 'bureau' : 'employer');
      } else if (!isApproved(w.fact, 'employer') && !isApproved(w.fact, 'bureau')) {
        pend(w, 'SZ-5', 'waiting for a reviewer to fix the value inside the range', 'employer');
      }
    }),
  ],
  yearRules: [
    (works) => {
      const byProject = new Map<string, typeof works>();
      for (const w of works) {
        if (w.fact.source !== 'conversion' || !AWARDS.has(w.fact.kind) || w.status === 'excluded' || !w.fact.projectRef) continue;
        byProject.set(w.fact.projectRef, [...(byProject.get(w.fact.projectRef) ?? []), w]);
      }
      for (const [project, awards] of byProject) {
        const [best, ...others] = [...awards].sort((a, b) => b.hours - a.hours || a.fact.creditId.localeCompare(b.fact.creditId));
        for (const w of others) exclude(w, 'SZ-6', `project ${project} counts once, at its highest award (${best!.fact.creditId})`);
      }
    },
  ],
};
