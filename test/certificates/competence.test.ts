import t from 'tap';
import { competentLevel, stampDate, verificationPost } from '../../src/certificates/competence.js';
import { WorkingCalendar } from '../../src/rules/calendar.js';
import { completion, personYear } from '../support/facts.js';

t.test('ZZ-7 / FZ-6: the post a year is verified for is the highest title its completions are for', async (t) => {
  const junior = (credits: Parameters<typeof personYear>[2]) => verificationPost(personYear('zhengzhou', 'junior', credits));
  t.same(junior([completion('public', 22)]), { titleLevel: 'junior' }, 'no purpose: the title held');
  t.same(junior([completion('public', 22, { purpose: 'promotion', targetTitle: 'intermediate' })]), { titleLevel: 'intermediate', purpose: 'promotion' });
  t.same(junior([completion('public', 22, { purpose: 'promotion', targetTitle: 'intermediate', revoked: true })]), { titleLevel: 'junior' }, 'a revoked credit says nothing');
  t.same(
    verificationPost(personYear('fuzhou', 'intermediate', [completion('professional', 72, { purpose: 'appointment', targetTitle: 'junior' })])),
    { titleLevel: 'junior', purpose: 'appointment' },
    'appointed to a junior post while holding intermediate (评聘初级)',
  );
  t.same(competentLevel('zhengzhou', { titleLevel: 'intermediate', purpose: 'promotion' }, 'county'), {
    ok: false,
    ruleId: 'ZZ-7',
    message: 'a year verified for promotion to intermediate is verified by the city bureau, not a county-level one',
  });
  t.same(competentLevel('fuzhou', { titleLevel: 'junior', purpose: 'appointment' }, 'county'), { ok: true });
  t.same(competentLevel('fuzhou', { titleLevel: 'senior' }, 'county').ok, false);
  t.same(competentLevel('suzhou', { titleLevel: 'senior' }, 'county'), { ok: true }, 'elsewhere any level of the bureau');
});

t.test('ST-12: a stamp date in a year without holiday data is refused, naming the year', async (t) => {
  const calendar = new WorkingCalendar();
  t.same(stampDate('shantou', 2027, '2027-03-10', calendar), {
    ok: false,
    ruleId: 'ST-12',
    message: 'whether 2027-03-10 is a stamp day is unknown: no holiday and 调休 table is on record for 2027: the bureau records it (POST /v1/calendar/2027) before working days of 2027 can be counted',
  });
  calendar.record({ year: 2027, holidays: ['2027-01-01'], workdays: [] });
  t.same(stampDate('shantou', 2027, '2027-03-10', calendar), { ok: true }, 'Wednesday 10 March 2027 once the table is recorded');
  t.same(stampDate('shantou', 2027, '2027-03-11', calendar).ok, false);
});
