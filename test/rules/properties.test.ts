import fc from 'fast-check';
import t from 'tap';
import { CATEGORIES, JURISDICTIONS, TITLE_LEVELS } from '../../schemas/common.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { CreditFact } from '../../src/rules/types.js';
import { approvedBy, completion, conversion, personYear } from '../support/facts.js';

const credit: fc.Arbitrary<CreditFact> = fc.oneof(
  fc.record({
    category: fc.constantFrom(...CATEGORIES),
    hours: fc.integer({ min: 1, max: 60 }),
    revoked: fc.boolean(),
    approved: fc.boolean(),
    filedAhead: fc.integer({ min: 0, max: 40 }),
  }).map(({ category, hours, revoked, approved, filedAhead }) =>
    completion(category, hours, { revoked, reviews: approved ? approvedBy('employer', 'bureau') : [] }, { filedOn: new Date(Date.parse('2014-06-02') - filedAhead * 86_400_000).toISOString().slice(0, 10) }),
  ),
  fc.record({
    kind: fc.constantFrom('paper-national', 'award-provincial', 'self-study', 'publication', 'other', 'credits'),
    hours: fc.integer({ min: 1, max: 30 }),
    characters: fc.integer({ min: 0, max: 60_000 }),
    project: fc.constantFrom('x', 'y', undefined),
  }).map(({ kind, hours, characters, project }) =>
    conversion({ kind, claimedHours: hours, characters: kind === 'self-study' || kind === 'publication' ? characters : undefined, credits: kind === 'credits' ? hours : undefined, projectRef: project, reviews: approvedBy('employer', 'bureau') }),
  ),
);

t.test('evaluation does not depend on the order of credits, and never counts more than claimed', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...JURISDICTIONS), fc.constantFrom(...TITLE_LEVELS), fc.array(credit, { maxLength: 12 }), fc.infiniteStream(fc.nat()), (j, level, credits, seeds) => {
      const shuffled = [...credits].sort(() => (seeds.next().value % 3) - 1);
      const a = evaluate(personYear(j, level, credits, { year: 2016 }), { creditTables: { medicine: 2 } });
      const b = evaluate(personYear(j, level, shuffled, { year: 2016 }), { creditTables: { medicine: 2 } });
      if (JSON.stringify(a) !== JSON.stringify(b)) return false;
      return CATEGORIES.every((c) => a.counted[c] <= a.claimed[c]) && a.compliant === (a.shortfall.total === 0 && CATEGORIES.every((c) => a.shortfall[c] === 0));
    }),
    { numRuns: 300 },
  );
  t.pass('300 random person-years');
});
