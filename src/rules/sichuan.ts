import { allowedConversionKinds, conversionRuleId, hoursFromCredits } from './conversions.js';
import type { RuleSet } from './rule-set.js';
import { blockingFlag, capTotal, defaultClaimedHours, exclude, forConversions, isApproved, minutesRule, pend, unrecognisedConversions } from './rule-set.js';

const SELF_STUDY_CAP = 50;

/** Sichuan, seed 002 (川人社发〔2016〕20号). */
export const SICHUAN_2016: RuleSet = {
  id: 'sichuan-2016',
  jurisdiction: 'sichuan',
  version: 1,
  effectiveFrom: '2016-01-01',
  requirement: () => ({ total: 90, floors: { professional: 60 }, ruleIds: ['SC-1'] }),
  claimedHours: defaultClaimedHours,
  creditRules: [
    unrecognisedConversions(conversionRuleId('sichuan'), allowedConversionKinds('sichuan')),
    minutesRule('SC-3'),
    forConversions((w) => {
      if (w.fact.evidence.length === 0) exclude(w, 'SC-2', 'a conversion needs proof (notes, the publication, the credit record)');
    }),
    forConversions((w, ctx) => {
      if (w.fact.kind === 'credits' && hoursFromCredits(ctx.options.creditTables ?? {}, ctx.facts.industry, w.fact.credits ?? 0) === undefined) {
        exclude(w, 'SC-7', `no credit-to-hour table is configured for industry ${ctx.facts.industry ?? '(none)'}`);
      }
    }),
    forConversions((w) => {
      if (w.fact.kind !== 'credits' && !isApproved(w.fact, 'employer')) pend(w, 'SC-2', 'self-study counts once the employer has approved and assessed it', 'employer');
    }),
  ],
  yearRules: [
    (works) =>
      capTotal(
        works,
        (w) => w.fact.source === 'conversion' && (w.fact.kind === 'self-study' || w.fact.kind === 'publication'),
        SELF_STUDY_CAP,
        'SC-6',
        `self-study and publications count at most ${SELF_STUDY_CAP} class hours a year`,
      ),
    (_works, ctx) => {
      // SC-8: the employer assesses every year and signs the verification page; without a passed
      // assessment the year is not verified.
      const a = ctx.facts.assessment;
      if (!a) blockingFlag(ctx, 'SC-8', 'the employer has not signed the yearly assessment on the verification page: the year is not verified');
      else if (a.result === 'failed') blockingFlag(ctx, 'SC-8', `the employer assessed the year as failed (signed ${a.signedOn}): the year is not verified`);
    },
  ],
};
