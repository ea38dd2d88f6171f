import { allowedConversionKinds } from './conversions.js';
import { daysBetween } from './calendar.js';
import type { RuleSet } from './rule-set.js';
import { defaultClaimedHours, exclude, forCompletions, minutesRule, unrecognisedConversions } from './rule-set.js';

/** Zhengzhou, seed 000 (trial rules issued 2012-12-05). */
export const ZHENGZHOU_2012: RuleSet = {
  id: 'zhengzhou-2012',
  jurisdiction: 'zhengzhou',
  version: 1,
  effectiveFrom: '2012-12-05',
  requirement: (titleLevel) =>
    titleLevel === 'junior'
      ? { total: 74, floors: { professional: 52, public: 22 }, ruleIds: ['ZZ-2'] }
      : { total: 86, floors: { professional: 60, public: 26 }, ruleIds: ['ZZ-1'] },
  claimedHours: defaultClaimedHours,
  creditRules: [
    unrecognisedConversions('ZZ-4', allowedConversionKinds('zhengzhou')),
    minutesRule('ZZ-3'),
    forCompletions((w) => {
      const { institution, course } = w.fact;
      if (!institution) return exclude(w, 'ZZ-4', 'the institution is not accredited by the city bureau');
      if (!course) return exclude(w, 'ZZ-4', 'the course is not on the ledger');
      if (institution.accreditedOn > course.startsOn) {
        return exclude(w, 'ZZ-4', `the course started ${course.startsOn}, before the institution's accreditation on ${institution.accreditedOn}`);
      }
      if (institution.withdrawnOn && course.startsOn >= institution.withdrawnOn) {
        exclude(w, 'ZZ-4', `the course started ${course.startsOn}, after the accreditation was withdrawn on ${institution.withdrawnOn}`);
      }
    }),
    forCompletions((w) => {
      const course = w.fact.course!;
      const ahead = daysBetween(course.filedOn, course.startsOn);
      if (ahead < 20) exclude(w, 'ZZ-5', `the course was filed ${ahead} days before it started (needs 20)`);
    }),
    forCompletions((w, ctx) => {
      // What the completion or its enrolment says it is for wins; else a promotion during the year.
      const to = w.fact.purpose === 'promotion' && w.fact.targetTitle ? w.fact.targetTitle : ctx.facts.promotion?.to;
      if (w.category !== 'public' || (to !== 'deputy-senior' && to !== 'senior')) return;
      if (w.fact.course!.level === 'county') {
        exclude(w, 'ZZ-6', `promotion to ${to}: public hours count only from city-level or higher centralised courses, this one is county-level`);
      }
    }),
  ],
  yearRules: [],
};
