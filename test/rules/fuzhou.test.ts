import t from 'tap';
import { evaluate } from '../../src/rules/evaluate.js';
import { completion, conversion, personYear } from '../support/facts.js';

const range = { approvalNo: 'FZ-2014-7', approvedOn: '2014-03-20', certificateNumbers: { from: '0000100', to: '0000199' } };
const fz = (credits: Parameters<typeof personYear>[2], o = {}) => evaluate(personYear('fuzhou', 'intermediate', credits, o));

t.test('FZ-1 / FZ-2: 72 hours; public 30 → 24 counted', async (t) => {
  const e = fz([completion('public', 30), completion('professional', 48)]);
  t.equal(e.claimed.public, 30);
  t.equal(e.counted.public, 24);
  t.equal(e.counted.total, 72);
  t.equal(e.compliant, true);
  t.same(e.excluded.map((x) => [x.ruleId, x.hours]), [['FZ-2', 6]]);
  const short = fz([completion('public', 30), completion('professional', 42)]);
  t.same([short.compliant, short.shortfall.total], [false, 6], 'the 6 public hours above 24 do not fill the gap');
});

t.test('FZ-4: a class without prior approval does not count', async (t) => {
  t.equal(fz([completion('professional', 72, {}, { approval: undefined })]).excluded[0]!.ruleId, 'FZ-4');
  t.equal(fz([completion('professional', 72, {}, { approval: { approvalNo: 'X', approvedOn: '2014-06-10' } })]).excluded[0]!.ruleId, 'FZ-4', 'approved after it started');
});

t.test('FZ-5: a certificate number outside the approved range is a forgery signal', async (t) => {
  const inside = fz([completion('professional', 72, { proofNumber: '0000150' }, { approval: range })]);
  t.equal(inside.compliant, true);
  const outside = fz([completion('professional', 72, { proofNumber: '0000250' }, { approval: range })]);
  t.equal(outside.excluded[0]!.ruleId, 'FZ-5');
  t.same(outside.flags.map((f) => f.ruleId), ['FZ-5']);
  t.equal(fz([completion('professional', 72, { proofNumber: '000150' }, { approval: range })]).excluded[0]!.ruleId, 'FZ-5', 'a number of another width');
});

t.test('FZ-3: a higher authority’s credit rule for an industry', async (t) => {
  const credit = conversion({ kind: 'credits', credits: 24, evidence: [{ kind: 'other', ref: 'x' }] });
  t.equal(evaluate(personYear('fuzhou', 'junior', [credit], { industry: 'medicine' }), { creditTables: { medicine: 3 } }).counted.professional, 72);
  t.equal(evaluate(personYear('fuzhou', 'junior', [credit])).excluded[0]!.ruleId, 'FZ-3');
  t.equal(evaluate(personYear('fuzhou', 'junior', [conversion({ kind: 'paper-national', claimedHours: 15 })])).excluded[0]!.ruleId, 'FZ-1');
});

t.test('FZ-4: hours of a class approved before its 5 days of public notice had passed do not count', async (t) => {
  const approval = { approvalNo: 'FZ-2014-9', approvedOn: '2014-04-05' };
  t.equal(fz([completion('professional', 72, {}, { publishedOn: '2014-04-01', approval })]).excluded[0]!.ruleId, 'FZ-4', 'published 1 April, approved the 5th');
  t.equal(fz([completion('professional', 72, {}, { publishedOn: '2014-04-01', approval: { ...approval, approvedOn: '2014-04-06' } })]).counted.total, 72, 'approved the 6th: counted');
});
