import { allowedConversionKinds, conversionRuleId } from './conversions.js';
import { PACKAGE_CALENDAR, daysBetween, isMissingYear, missingYearMessage } from './calendar.js';
import { pastYearEntry, publicSubjectsOf, subjectKey, yearsOfPublicSubject } from './catalogue.js';
import type { CompletionFact } from './types.js';
import type { CreditWork, RuleContext, RuleSet } from './rule-set.js';
import { capTotal, defaultClaimedHours, exclude, flag, forCompletions, forConversions, isApproved, latestReview, pend, unrecognisedConversions } from './rule-set.js';

const PUBLIC_SUBJECT_HOURS = 20;
/** ST-4: make-up of past years only in 2014. */
const LAST_MAKE_UP_YEAR = 2014;
const WINDOWS = { promotion: ['05-01', '08-31'], appointment: ['05-01', '10-31'] } as const;

type CompletionWork = CreditWork & { fact: CompletionFact };

const isMakeUp = (f: CompletionFact) => f.creditYear < Number(f.completedOn.slice(0, 4));

/**
 * ST-2: the public subject of a year is one of the subjects the bureau listed for it (its year list,
 * or the past-year catalogue's entry for that year); a subject of another year does not count.
 */
function publicSubjectRule(w: CompletionWork, ctx: RuleContext): void {
  const year = w.fact.creditYear;
  const course = w.fact.course!;
  const key = subjectKey(course.subject ?? course.title);
  const catalogue = ctx.facts.catalogue;
  const listed = catalogue && publicSubjectsOf(catalogue, year);
  if (listed?.includes(key)) return;
  const belongs = catalogue ? yearsOfPublicSubject(catalogue, key) : [];
  const ruleId = isMakeUp(w.fact) ? 'ST-3' : 'ST-2';
  if (belongs.length > 0) {
    return exclude(w, ruleId, `《${key}》 is the public subject of ${belongs.join(', ')}; it does not count as the public subject of ${year}`);
  }
  if (!listed) return pend(w, ruleId, `the bureau has not recorded the public subjects of ${year}: counted once it does, if 《${key}》 is one of them`);
  exclude(w, ruleId, `《${key}》 is not one of the public subjects of ${year}`);
}

/** ST-3, ST-4: a make-up takes a subject of the past-year catalogue, and counts only for the year that subject belongs to. */
function makeUpRule(w: CompletionWork, ctx: RuleContext): void {
  if (w.category === 'public' || !isMakeUp(w.fact)) return;
  const course = w.fact.course!;
  const key = subjectKey(course.subject ?? course.title);
  const catalogue = ctx.facts.catalogue;
  if (!catalogue || catalogue.pastYear.length === 0) {
    return pend(w, 'ST-3', `the bureau has not recorded the past-year catalogue: a make-up of ${w.fact.creditYear} counts once it does`);
  }
  const entry = pastYearEntry(catalogue, w.category, key);
  if (!entry) return exclude(w, 'ST-3', `《${key}》 is not a ${w.category} subject of the past-year catalogue, so it makes up no past year`);
  if (entry.year !== undefined && entry.year !== w.fact.creditYear) {
    exclude(w, 'ST-3', `《${key}》 is the ${w.category} subject of ${entry.year}; it makes up ${entry.year}, not ${w.fact.creditYear}`);
  }
}

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
    forCompletions((w, ctx) => {
      if (w.category === 'public' && w.fact.course) publicSubjectRule(w, ctx);
    }),
    forCompletions((w, ctx) => {
      if (w.fact.course) makeUpRule(w, ctx);
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
      const due = (ctx.facts.calendar ?? PACKAGE_CALENDAR).addWorkingDays(w.fact.course.endsOn, 5);
      if (isMissingYear(due)) {
        flag(ctx, 'ST-9', `the entry deadline cannot be checked: ${missingYearMessage(due.missingYear)}`, w.fact.creditId);
      } else if (w.fact.recordedOn > due) {
        flag(ctx, 'ST-9', `entered ${w.fact.recordedOn}, after the 5-working-day deadline ${due}: flagged against the institution (ST-14)`, w.fact.creditId);
      }
    }),
  ],
  yearRules: [
    (works) =>
      capTotal(works, (w) => w.category === 'public', PUBLIC_SUBJECT_HOURS, 'ST-1', `one public subject of ${PUBLIC_SUBJECT_HOURS} class hours counts a year`),
  ],
};
