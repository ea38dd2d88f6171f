import t from 'tap';
import { evaluate } from '../../src/rules/evaluate.js';
import { completion, institution, personYear } from '../support/facts.js';

const zz = (titleLevel: 'junior' | 'intermediate' | 'senior', credits: Parameters<typeof personYear>[2], o = {}) =>
  evaluate(personYear('zhengzhou', titleLevel, credits, o));

t.test('ZZ-1 / ZZ-2: floors by title level', async (t) => {
  const inter = zz('intermediate', [completion('professional', 60), completion('public', 26)]);
  t.equal(inter.compliant, true, 'intermediate 60 + 26 = 86');
  t.same(inter.required, { total: 86, floors: { professional: 60, public: 26 }, ruleIds: ['ZZ-1'] });
  const junior = zz('junior', [completion('professional', 52), completion('public', 22)]);
  t.equal(junior.compliant, true, 'junior 52 + 22 = 74');
  t.same(junior.required.ruleIds, ['ZZ-2']);
  const short = zz('intermediate', [completion('professional', 52), completion('public', 22)]);
  t.equal(short.compliant, false, 'junior hours do not carry an intermediate');
  t.same(short.shortfall, { public: 4, professional: 8, elective: 0, total: 12 });
});

t.test('ZZ-3: minutes convert at 45 per class hour, rounded down', async (t) => {
  const e = zz('junior', [completion('professional', 30, {}, { minutes: 1000 })]);
  t.equal(e.counted.professional, 22, '1000 minutes = 22 class hours (22.2 rounded down)');
  t.equal(e.credits[0]!.status, 'partly-counted');
  t.same(e.excluded, [{ creditId: e.credits[0]!.creditId, ruleId: 'ZZ-3', reason: '1000 minutes of study make 22 class hours of 45 minutes', hours: 8 }]);
});

t.test('ZZ-4: accredited bases only; withdrawal excludes courses that start after it', async (t) => {
  const unaccredited = zz('junior', [completion('professional', 30, { institution: undefined })]);
  t.equal(unaccredited.excluded[0]!.ruleId, 'ZZ-4');
  t.equal(unaccredited.counted.total, 0);
  const withdrawn = institution({ withdrawnOn: '2014-06-01' });
  const after = zz('junior', [completion('professional', 30, { institution: withdrawn }, { startsOn: '2014-06-10', endsOn: '2014-06-12' })]);
  t.equal(after.excluded[0]!.ruleId, 'ZZ-4', 'a course starting after the withdrawal does not count');
  const before = zz('junior', [completion('professional', 30, { institution: withdrawn }, { startsOn: '2014-05-20', endsOn: '2014-06-05' })]);
  t.equal(before.counted.professional, 30, 'an earlier course still counts');
  const conv = evaluate(personYear('zhengzhou', 'junior', [{ source: 'conversion', creditId: 'p1:cv', category: 'professional', kind: 'paper-national', claimedHours: 15, revoked: false, reviews: [], evidence: [], claimedOn: '2014-09-01' }]));
  t.equal(conv.excluded[0]!.ruleId, 'ZZ-4', 'conversions are not training at a base');
});

t.test('ZZ-5: filed at least 20 days before the course starts', async (t) => {
  const late = zz('junior', [completion('professional', 30, {}, { filedOn: '2014-05-21', startsOn: '2014-06-02' })]);
  t.same(late.excluded.map((x) => [x.ruleId, x.reason]), [['ZZ-5', 'the course was filed 12 days before it started (needs 20)']]);
  const onTime = zz('junior', [completion('professional', 30, {}, { filedOn: '2014-05-13', startsOn: '2014-06-02' })]);
  t.equal(onTime.counted.professional, 30, 'exactly 20 days is enough');
});

t.test('ZZ-6: promotion to deputy-senior counts public hours only from city-level courses', async (t) => {
  const county = completion('public', 26, {}, { level: 'county' });
  const promoted = zz('senior', [completion('professional', 60), county], { promotion: { from: 'deputy-senior', to: 'senior' } });
  t.equal(promoted.excluded[0]!.ruleId, 'ZZ-6');
  t.equal(promoted.shortfall.public, 26);
  const toIntermediate = zz('intermediate', [completion('professional', 60), county], { promotion: { from: 'junior', to: 'intermediate' } });
  t.equal(toIntermediate.compliant, true, 'junior → intermediate may use county courses');
});

t.test('general rules: revoked, rejected and failed credits do not count', async (t) => {
  const e = zz('junior', [
    completion('professional', 30, { revoked: true, revokedOn: '2014-11-01' }),
    completion('professional', 20, { reviews: [{ stage: 'employer', decision: 'rejected', reviewedOn: '2014-09-01' }] }),
    completion('public', 22, { assessment: 'failed' }),
  ]);
  t.same(e.excluded.map((x) => x.ruleId).sort(), ['GEN-1', 'GEN-2', 'GEN-3']);
  t.equal(e.counted.total, 0);
});

t.test('ZZ-6: what the completion is for decides, with the seed’s two promotions', async (t) => {
  const county = { level: 'county' as const };
  const forTarget = (purpose: 'promotion' | 'appointment', targetTitle: 'intermediate' | 'deputy-senior' | 'senior') =>
    evaluate(personYear('zhengzhou', 'intermediate', [completion('public', 26, { purpose, targetTitle }, county)]));
  t.equal(forTarget('promotion', 'deputy-senior').excluded[0]?.ruleId, 'ZZ-6', 'intermediate → deputy-senior: city level or higher only');
  t.equal(forTarget('promotion', 'senior').excluded[0]?.ruleId, 'ZZ-6', 'deputy-senior → senior');
  t.equal(forTarget('promotion', 'intermediate').counted.public, 26, 'junior → intermediate may use a county course');
  t.equal(forTarget('appointment', 'deputy-senior').counted.public, 26, 'the rule is about promotion, not appointment');
  t.equal(evaluate(personYear('zhengzhou', 'intermediate', [completion('public', 26, { purpose: 'promotion', targetTitle: 'deputy-senior' })])).counted.public, 26, 'a city course counts');
});
