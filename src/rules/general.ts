import type { CreditRule } from './rule-set.js';
import { exclude, latestReview } from './rule-set.js';

/**
 * What holds in every jurisdiction: a revoked credit does not count (corrections are compensating
 * events), nor one a reviewer rejected, nor a completion whose assessment was failed.
 */
export const GENERAL_RULES: CreditRule[] = [
  (w) => {
    if (w.fact.revoked) exclude(w, 'GEN-1', `revoked${w.fact.revokedOn ? ` on ${w.fact.revokedOn}` : ''}`);
  },
  (w) => {
    for (const stage of ['employer', 'bureau'] as const) {
      if (w.status !== 'excluded' && latestReview(w.fact, stage)?.decision === 'rejected') exclude(w, 'GEN-2', `rejected at the ${stage} review`);
    }
  },
  (w) => {
    if (w.fact.source === 'completion' && w.fact.assessment === 'failed') exclude(w, 'GEN-3', 'the assessment was failed');
  },
];
