import t from 'tap';
import { evaluate } from '../../src/rules/evaluate.js';
import { approvedBy, completion, conversion, personYear } from '../support/facts.js';

const sc = (credits: Parameters<typeof personYear>[2], o = {}, options = {}) => evaluate(personYear('sichuan', 'intermediate', credits, { year: 2016, ...o }), options);

t.test('SC-1: at least 90, of which professional at least 60', async (t) => {
  t.equal(sc([completion('professional', 60), completion('public', 30)]).compliant, true);
  const short = sc([completion('professional', 50), completion('public', 40)]);
  t.same([short.compliant, short.shortfall.professional, short.shortfall.total], [false, 10, 0]);
});

t.test('SC-4 / SC-5 / SC-6: 30,000 characters of notes + 15,000 published → 30 + 30, capped at 50', async (t) => {
  const e = sc([
    conversion({ creditId: 'p1:cv-notes', kind: 'self-study', characters: 30_000, reviews: approvedBy('employer') }),
    conversion({ creditId: 'p1:cv-pub', kind: 'publication', characters: 15_000, reviews: approvedBy('employer') }),
  ]);
  t.equal(e.claimed.professional, 60, '30 (1 per 1,000) + 30 (2 per 1,000)');
  t.equal(e.counted.professional, 50, 'SC-6 caps them at 50');
  t.same(e.excluded, [{ creditId: 'p1:cv-pub', ruleId: 'SC-6', reason: 'self-study and publications count at most 50 class hours a year', hours: 10 }]);
});

t.test('SC-2: conversions need proof and the employer’s approval', async (t) => {
  const noProof = sc([conversion({ kind: 'self-study', characters: 5000, evidence: [], reviews: approvedBy('employer') })]);
  t.equal(noProof.excluded[0]!.ruleId, 'SC-2');
  const unapproved = sc([conversion({ kind: 'self-study', characters: 5000 })]);
  t.same([unapproved.credits[0]!.status, unapproved.credits[0]!.reasons[0]!.ruleId], ['pending', 'SC-2']);
});

t.test('SC-3: actual study time in 45-minute class hours', async (t) => {
  t.equal(sc([completion('professional', 30, {}, { minutes: 900 })]).counted.professional, 20);
});

t.test('SC-7: industry credits convert by the industry’s table', async (t) => {
  const credit = conversion({ kind: 'credits', credits: 10, evidence: [{ kind: 'other', ref: 'cme-2016' }] });
  const e = sc([credit], { industry: 'medicine' }, { creditTables: { medicine: 3 } });
  t.equal(e.counted.professional, 30);
  const none = sc([credit], { industry: 'mining' }, { creditTables: { medicine: 3 } });
  t.equal(none.excluded[0]!.ruleId, 'SC-7');
});

t.test('SC-8: a missing employer sign-off is flagged', async (t) => {
  t.same(sc([completion('professional', 60)]).flags.map((f) => f.ruleId), ['SC-8']);
  t.same(sc([completion('professional', 60)], { assessment: { result: 'passed', signedOn: '2016-12-10' } }).flags, []);
});

t.test('SC-8: a year the employer assessed as failed is not verified: a flag that blocks the certificate', async (t) => {
  const hours = [completion('professional', 60), completion('public', 30)];
  const failed = sc(hours, { assessment: { result: 'failed', signedOn: '2016-12-10' } });
  t.same([failed.compliant, failed.counted.total], [true, 90], 'the 90 hours are there');
  t.same(failed.flags.map((f) => [f.ruleId, f.blocksCertificate]), [['SC-8', true]]);
  t.same(sc(hours).flags.map((f) => [f.ruleId, f.blocksCertificate]), [['SC-8', true]], 'so does a missing sign-off');
});
