import t from 'tap';
import { evaluate } from '../../src/rules/evaluate.js';
import { approvedBy, completion, conversion, personYear } from '../support/facts.js';

t.test('SZ-1 / SZ-2: 72 = 24 public + 48 professional; junior 42 = 14 + 28', async (t) => {
  const inter = evaluate(personYear('suzhou', 'intermediate', [completion('public', 24), completion('professional', 48)]));
  t.equal(inter.compliant, true);
  t.same(inter.required.floors, { public: 24, professional: 48 });
  const junior = evaluate(personYear('suzhou', 'junior', [completion('public', 14), completion('professional', 28)]));
  t.equal(junior.compliant, true);
  t.same([junior.required.total, junior.required.ruleIds], [42, ['SZ-2']]);
});

t.test('SZ-3: an industry with its own rule uses it', async (t) => {
  const facts = personYear('suzhou', 'intermediate', [completion('public', 10), completion('professional', 40)], { industry: 'accounting' });
  const options = { industryOverrides: { suzhou: { accounting: { ruleId: 'SZ-3', requirement: { total: 50, floors: { professional: 40 }, ruleIds: ['accounting-2013'] } } } } };
  const e = evaluate(facts, options);
  t.equal(e.compliant, true);
  t.same(e.required.ruleIds, ['accounting-2013', 'SZ-3']);
  t.equal(evaluate(facts).compliant, false, 'without the override the bureau floors apply');
});

t.test('SZ-5: a national paper counts 15–20 as professional, at the reviewer’s value', async (t) => {
  const counted = evaluate(personYear('suzhou', 'junior', [conversion({ kind: 'paper-national', claimedHours: 18, reviews: [{ stage: 'employer', decision: 'approved', hours: 17, reviewedOn: '2014-09-10' }] })]));
  t.equal(counted.counted.professional, 17, 'the reviewer fixed 17');
  const outside = evaluate(personYear('suzhou', 'junior', [conversion({ kind: 'paper-national', claimedHours: 14, reviews: approvedBy('employer') })]));
  t.same(outside.excluded.map((x) => x.ruleId), ['SZ-5'], '14 is below the range');
  const pending = evaluate(personYear('suzhou', 'junior', [conversion({ kind: 'monograph', claimedHours: 22 })]));
  t.equal(pending.credits[0]!.status, 'pending');
  t.equal(pending.credits[0]!.reasons[0]!.ruleId, 'SZ-5');
  const table: [string, number, boolean][] = [
    ['paper-provincial', 10, true], ['paper-provincial', 16, false], ['monograph', 25, true], ['award-provincial', 14, false], ['award-national', 20, true], ['award-national', 26, false],
  ];
  for (const [kind, hours, ok] of table) {
    const e = evaluate(personYear('suzhou', 'junior', [conversion({ kind: kind as 'monograph', claimedHours: hours, reviews: approvedBy('employer') })]));
    t.equal(e.counted.professional, ok ? hours : 0, `${kind} ${hours}: ${ok ? 'counted' : 'out of range'}`);
  }
});

t.test('SZ-6: several awards for one project count once, at the highest', async (t) => {
  const e = evaluate(personYear('suzhou', 'junior', [
    conversion({ creditId: 'p1:cv-a', kind: 'award-provincial', claimedHours: 18, projectRef: 'bridge-x', reviews: approvedBy('employer') }),
    conversion({ creditId: 'p1:cv-b', kind: 'award-national', claimedHours: 24, projectRef: 'bridge-x', reviews: approvedBy('employer') }),
    conversion({ creditId: 'p1:cv-c', kind: 'award-provincial', claimedHours: 15, projectRef: 'tunnel-y', reviews: approvedBy('employer') }),
  ]));
  t.equal(e.counted.professional, 39, 'bridge-x at 24 (national) + tunnel-y 15');
  t.same(e.excluded.map((x) => [x.creditId, x.ruleId]), [['p1:cv-a', 'SZ-6']]);
});

t.test('SZ-7: other conversions count only with the bureau’s value', async (t) => {
  const employerOnly = evaluate(personYear('suzhou', 'junior', [conversion({ kind: 'other', claimedHours: 8, reviews: approvedBy('employer') })]));
  t.same([employerOnly.credits[0]!.status, employerOnly.credits[0]!.reasons[0]!.ruleId], ['pending', 'SZ-7']);
  const bureau = evaluate(personYear('suzhou', 'junior', [conversion({ kind: 'other', claimedHours: 8, reviews: [{ stage: 'bureau', decision: 'approved', hours: 6, reviewedOn: '2014-10-01' }] })]));
  t.equal(bureau.counted.professional, 6);
});
