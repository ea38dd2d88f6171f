import { allowedConversionKinds, conversionRuleId } from './conversions.js';
import { addWorkingDays, daysBetween } from './calendar.js';
import type { RuleSet } from './rule-set.js';
import { capTotal, defaultClaimedHours, exclude, flag, forCompletions, forConversions, isApproved, latestReview, pend, unrecognisedConversions } from './rule-set.js';

const PUBLIC_SUBJECT_HOURS = 20;
/** ST-4: make-up of past years only in 2014. */
const LAST_MAKE_UP_YEAR = 2014;
const WINDOWS = { promotion: ['05-01', '08-31'], appointment: ['05-01', '10-31'] } as const;

/** Shantou, seed 003 (notice of 2014-04-11 for the 2014 year). */
export const SHANTOU_2014: RuleSet = {
  id: 'shantou-2014',
  jurisdiction: 'shantou',
  version: 1,
  effectiveFrom: '2014-01-01',
  requirement: () => ({ total: 72, floors: { public: 20, professional: 42, elective: 12 }, ruleIds: ['ST-1'] }),
  claimedHours: defaultClaimedHours,
  creditRules: [
    unrecognisedConversions(conversionRuleId('shantou'), allowedConversionKinds('shantou')),
    forCompletions((w) => {
      const done = Number(w.fact.completedOn.slice(0, 4));
      if (w.fact.creditYear < done && done > LAST_MAKE_UP_YEAR) {
        exclude(w, 'ST-4', `from 2015 on no past year is made up: completed ${w.fact.completedOn} for ${w.fact.creditYear}`);
      }
    }),
    forCompletions((w) => {
      if (w.category === 'public' && w.fact.assessment !== 'passed') exclude(w, 'ST-2', 'the public subject counts only with the open-book exam passed');
    }),
    forCompletions((w) => {
      const course = w.fact.course;
      if (!course) return exclude(w, 'ST-10', 'the course was never filed with the city bureau');
      if (w.category === 'public') {
        const deadline = `${course.startsOn.slice(0, 4)}-04-15`;
        if (course.filedOn > deadline) exclude(w, 'ST-10', `public-subject plans are filed by ${deadline}; this one on ${course.filedOn}`);
      } else {
        const ahead = daysBetween(course.filedOn, course.startsOn);
        if (ahead < 10) exclude(w, 'ST-10', `the course was filed ${ahead} days before it started (needs 10)`);
      }
    }),
    forCompletions((w) => {
      if (w.category === 'public' && w.fact.course?.mode === 'online' && !w.fact.onlineConsent) {
        exclude(w, 'ST-8', 'public hours online count only with the bureau’s prior consent');
      }
    }),
    forCompletions((w) => {
      if (w.category !== 'public' && !w.fact.proofNumber) exclude(w, 'ST-6', 'professional and elective hours need the institution’s stamped proof');
    }),
    forConversions((w) => {
      const confirmed = w.fact.evidence.some((e) => e.kind === 'employer-confirmation');
      if (w.fact.evidence.length === 0 || !confirmed) exclude(w, 'ST-6', 'a paper or conference needs the original proof and the employer’s confirmation');
    }),
    (w) => {
      // ST-7: professional hours: employer then bureau; elective: employer; public: recognised by
      // the bureau from the institution's entry of a passed result, unless the bureau rejects it.
      if (w.status === 'excluded') return;
      if (w.category === 'professional') {
        if (!isApproved(w.fact, 'employer')) pend(w, 'ST-7', 'waiting for the employer’s review', 'employer');
        else if (!isApproved(w.fact, 'bureau')) pend(w, 'ST-7', 'waiting for the bureau’s re-review', 'bureau');
      } else if (w.category === 'elective' && !isApproved(w.fact, 'employer')) {
        pend(w, 'ST-7', 'elective hours are recognised by the employer', 'employer');
      } else if (w.category === 'public' && latestReview(w.fact, 'bureau')?.decision === 'rejected') {
        exclude(w, 'ST-7', 'the bureau did not recognise these public hours');
      }
    },
    forCompletions((w, ctx) => {
      const purpose = w.fact.purpose;
      if (purpose !== 'promotion' && purpose !== 'appointment') return;
      const y = w.fact.completedOn.slice(0, 4);
      const [from, to] = WINDOWS[purpose];
      if (w.fact.completedOn < `${y}-${from}` || w.fact.completedOn > `${y}-${to}`) {
        flag(ctx, 'ST-5', `completed ${w.fact.completedOn}, outside the ${purpose} training window ${from}–${to}`, w.fact.creditId);
      }
    }),
    forCompletions((w, ctx) => {
      if (!w.fact.course) return;
      const due = addWorkingDays(w.fact.course.endsOn, 5);
      if (w.fact.recordedOn > due) {
        flag(ctx, 'ST-9', `entered ${w.fact.recordedOn}, after the 5-working-day deadline ${due}: flagged against the institution (ST-14)`, w.fact.creditId);
      }
    }),
  ],
  yearRules: [
    (works) =>
      capTotal(works, (w) => w.category === 'public', PUBLIC_SUBJECT_HOURS, 'ST-1', `one public subject of ${PUBLIC_SUBJECT_HOURS} class hours counts a year`),
  ],
};
