import { allowedConversionKinds, conversionRuleId, hoursFromCredits } from './conversions.js';
import { daysBetween } from './calendar.js';
import type { RuleSet } from './rule-set.js';
import { capTotal, defaultClaimedHours, exclude, flag, forCompletions, forConversions, unrecognisedConversions } from './rule-set.js';

const PUBLIC_COUNTED = 24;
/** FZ-4: days of public notice before approval. */
const NOTICE_DAYS = 5;

function inRange(n: string, range: { from: string; to: string }): boolean {
  return /^\d+$/.test(n) && n.length === range.from.length && n >= range.from && n <= range.to;
}

/** Fuzhou, seed 004 (榕人专〔2009〕145号, 2009-05-26). */
export const FUZHOU_2009: RuleSet = {
  id: 'fuzhou-2009',
  jurisdiction: 'fuzhou',
  version: 1,
  effectiveFrom: '2009-05-26',
  requirement: () => ({ total: 72, floors: {}, ruleIds: ['FZ-1'] }),
  claimedHours: defaultClaimedHours,
  creditRules: [
    unrecognisedConversions(conversionRuleId('fuzhou'), allowedConversionKinds('fuzhou')),
    forConversions((w, ctx) => {
      if (hoursFromCredits(ctx.options.creditTables ?? {}, ctx.facts.industry, w.fact.credits ?? 0) === undefined) {
        exclude(w, 'FZ-3', `no special rule of a higher authority converts credits for industry ${ctx.facts.industry ?? '(none)'}`);
      }
    }),
    forCompletions((w) => {
      const approval = w.fact.course?.approval;
      if (!approval) return exclude(w, 'FZ-4', 'the class was not approved by the bureau in advance');
      if (approval.approvedOn > w.fact.course!.startsOn) {
        return exclude(w, 'FZ-4', `the class was approved on ${approval.approvedOn}, after it started (${w.fact.course!.startsOn})`);
      }
      const published = w.fact.course!.publishedOn;
      if (published && daysBetween(published, approval.approvedOn) < NOTICE_DAYS) {
        exclude(w, 'FZ-4', `the class was approved on ${approval.approvedOn}, before ${NOTICE_DAYS} days of public notice from ${published} had passed`);
      }
    }),
    forCompletions((w, ctx) => {
      const range = w.fact.course?.approval?.certificateNumbers;
      if (!range) return;
      const n = w.fact.proofNumber;
      if (!n || !inRange(n, range)) {
        exclude(w, 'FZ-5', `training certificate number ${n ?? '(none)'} is outside the class's approved range ${range.from}–${range.to}`);
        flag(ctx, 'FZ-5', `possible forged training certificate ${n ?? '(none)'} for course ${w.fact.course!.courseId}`, w.fact.creditId);
      }
    }),
  ],
  yearRules: [
    (works) => capTotal(works, (w) => w.category === 'public', PUBLIC_COUNTED, 'FZ-2', `public hours above ${PUBLIC_COUNTED} do not count toward the 72`),
  ],
};
