import t from 'tap';
import { evaluate } from '../../src/rules/evaluate.js';
import { shantouCatalogue } from '../support/bureau-data.js';
import { approvedBy, completion, conversion, personYear } from '../support/facts.js';
import type { CompletionFact, CourseFact } from '../../src/rules/types.js';

const catalogue = shantouCatalogue();
const professional = (hours: number, o = {}, c = {}) => completion('professional', hours, { reviews: approvedBy('employer', 'bureau'), ...o }, c);
const elective = (hours: number, o = {}) => completion('elective', hours, { reviews: approvedBy('employer'), ...o });
/** A public subject of 2014 (ST-2): 《粤东西北地区振兴战略》 unless the course says otherwise. */
const pub = (o: Partial<CompletionFact> = {}, c: Partial<CourseFact> = {}) => completion('public', 20, o, { title: '粤东西北地区振兴战略', ...c });
const st = (credits: Parameters<typeof personYear>[2], o = {}) => evaluate(personYear('shantou', 'intermediate', credits, { catalogue, ...o }));

t.test('ST-1: three floors and the total: 20 + 42 + 12 = 74 is compliant', async (t) => {
  const e = st([pub(), professional(21), professional(21), elective(12)]);
  t.equal(e.compliant, true);
  t.same(e.counted, { public: 20, professional: 42, elective: 12, total: 74 });
  const noElective = st([pub(), professional(21), professional(21), professional(21)]);
  t.same([noElective.compliant, noElective.shortfall.elective, noElective.shortfall.total], [false, 12, 0], 'every floor must hold, not only the 72');
  const twoPublic = st([pub(), pub(), professional(42), elective(12)]);
  t.equal(twoPublic.counted.public, 20, 'one public subject a year');
  t.equal(twoPublic.excluded[0]!.ruleId, 'ST-1');
});

t.test('ST-2: the public subject counts only with the exam passed', async (t) => {
  t.equal(st([pub({ assessment: 'none' })]).excluded[0]!.ruleId, 'ST-2');
});

t.test('ST-4: make-up of a past year only during 2014', async (t) => {
  const in2014 = st([professional(21, { creditYear: 2013, completedOn: '2014-06-05' }, { title: '自控力科学' })], { year: 2013 });
  t.equal(in2014.counted.professional, 21, 'a 2013 subject taken in 2014 counts for 2013');
  const in2015 = st([professional(21, { creditYear: 2014, completedOn: '2015-06-05' }, { startsOn: '2015-06-01', endsOn: '2015-06-05', filedOn: '2015-03-01' })], { year: 2014 });
  t.equal(in2015.excluded[0]!.ruleId, 'ST-4');
});

t.test('ST-5: completions outside the training window for their purpose are flagged', async (t) => {
  const e = st([professional(21, { purpose: 'promotion', completedOn: '2014-09-15' }, { startsOn: '2014-09-10', endsOn: '2014-09-15', filedOn: '2014-08-01' })]);
  t.same(e.flags.map((f) => f.ruleId), ['ST-5']);
  t.equal(e.counted.professional, 21, 'a flag, not an exclusion');
  t.same(st([professional(21, { purpose: 'appointment', completedOn: '2014-09-15' }, { startsOn: '2014-09-10', endsOn: '2014-09-15', filedOn: '2014-08-01' })]).flags, [], 'appointments run until 31 October');
});

t.test('ST-6: professional and elective hours need proof; papers need the employer’s confirmation', async (t) => {
  t.equal(st([professional(21, { proofNumber: undefined })]).excluded[0]!.ruleId, 'ST-6');
  const paper = conversion({ kind: 'paper-national', claimedHours: 10, reviews: approvedBy('employer', 'bureau') });
  t.equal(st([paper]).excluded[0]!.ruleId, 'ST-6');
  t.equal(st([{ ...paper, evidence: [...paper.evidence, { kind: 'employer-confirmation', ref: 'letter-9' }] }]).counted.professional, 10);
});

t.test('ST-7: professional needs employer then bureau review; elective the employer', async (t) => {
  const e = st([
    completion('professional', 21, { creditId: 'p1:a' }),
    completion('professional', 21, { creditId: 'p1:b', reviews: approvedBy('employer') }),
    completion('elective', 12, { creditId: 'p1:c' }),
  ]);
  t.same(e.credits.map((c) => [c.creditId, c.status, c.reasons[0]?.message]), [
    ['p1:a', 'pending', 'waiting for the employer’s review'],
    ['p1:b', 'pending', 'waiting for the bureau’s re-review'],
    ['p1:c', 'pending', 'elective hours are recognised by the employer'],
  ]);
  t.equal(e.counted.total, 0);
});

t.test('ST-8: public online only with consent', async (t) => {
  t.equal(st([pub({}, { mode: 'online' })]).excluded[0]!.ruleId, 'ST-8');
  t.equal(st([pub({ onlineConsent: true }, { mode: 'online' })]).counted.public, 20);
});

t.test('ST-9: entry later than 5 working days after the course is flagged against the institution', async (t) => {
  // The course ends Tuesday 30 September 2014; the National Day holiday runs 1–7 October and
  // Saturday 11 October is an adjusted working day, so the fifth working day is Monday 13 October.
  const c = { startsOn: '2014-09-26', endsOn: '2014-09-30', filedOn: '2014-09-01' };
  t.same(st([professional(21, { completedOn: '2014-09-30', recordedOn: '2014-10-13' }, c)]).flags, []);
  const late = st([professional(21, { completedOn: '2014-09-30', recordedOn: '2014-10-14' }, c)]);
  t.same(late.flags.map((f) => f.ruleId), ['ST-9']);
  t.equal(late.counted.professional, 21, 'the person keeps the hours');
});

t.test('ST-10: professional courses filed 10 days ahead; public plans by 15 April', async (t) => {
  t.equal(st([professional(21, {}, { filedOn: '2014-05-25', startsOn: '2014-06-02' })]).excluded[0]!.ruleId, 'ST-10');
  t.equal(st([pub({}, { filedOn: '2014-04-20' })]).excluded[0]!.ruleId, 'ST-10');
  t.equal(st([pub({}, { filedOn: '2014-04-15' })]).counted.public, 20);
});
