import t from 'tap';
import { WorkingCalendar } from '../../src/rules/calendar.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { CompletionFact, CourseFact } from '../../src/rules/types.js';
import { shantouCatalogue } from '../support/bureau-data.js';
import { approvedBy, completion, personYear } from '../support/facts.js';

const catalogue = shantouCatalogue();
const st = (year: number, credits: Parameters<typeof personYear>[2], o = {}) => evaluate(personYear('shantou', 'intermediate', credits, { year, catalogue, ...o }));
/** A completion in 2014 of the course titled `title`, for `creditYear`. */
const taken = (category: 'public' | 'professional' | 'elective', hours: number, title: string, creditYear: number, o: Partial<CompletionFact> = {}, c: Partial<CourseFact> = {}) =>
  completion(category, hours, { creditYear, reviews: category === 'public' ? [] : approvedBy('employer', 'bureau'), ...o }, { title, ...c });

t.test('ST-2: the public subject of 2014 is one of the two the bureau listed', async (t) => {
  t.equal(st(2014, [taken('public', 20, '粤东西北地区振兴战略', 2014)]).counted.public, 20);
  t.equal(st(2014, [taken('public', 20, '《新型城镇化实践与发展》', 2014)]).counted.public, 20, 'book-title marks do not matter');
  const old = st(2014, [taken('public', 20, '广东文化强省建设', 2014)]);
  t.same([old.counted.public, old.excluded[0]!.ruleId], [0, 'ST-2'], "2012's subject is not 2014's public subject");
  t.match(old.excluded[0]!.reason, /public subject of 2012; it does not count as the public subject of 2014/);
  const other = st(2014, [taken('public', 20, '公共管理概论', 2014)]);
  t.same([other.excluded[0]!.ruleId, other.excluded[0]!.reason], ['ST-2', '《公共管理概论》 is not one of the public subjects of 2014']);
  const titled = st(2014, [taken('public', 20, '2014年公需科目培训班（第3期）', 2014, {}, { subject: '新型城镇化实践与发展' })]);
  t.equal(titled.counted.public, 20, 'a course names the subject it teaches when its title says more');
});

t.test('ST-2: before the bureau lists a year, its public hours wait (pending, not counted)', async (t) => {
  const in2015 = { completedOn: '2015-06-05' };
  const c2015 = { startsOn: '2015-06-01', endsOn: '2015-06-05', filedOn: '2015-03-01' };
  const e = st(2015, [taken('public', 20, '创新驱动发展战略', 2015, in2015, c2015)]);
  t.same([e.credits[0]!.status, e.credits[0]!.reasons[0]!.ruleId, e.counted.public], ['pending', 'ST-2', 0]);
  t.match(e.credits[0]!.reasons[0]!.message, /has not recorded the public subjects of 2015/);
  t.equal(st(2015, [taken('public', 20, '粤东西北地区振兴战略', 2015, in2015, c2015)]).excluded[0]!.ruleId, 'ST-2', "2014's subject is known not to be 2015's");
  const none = evaluate(personYear('shantou', 'intermediate', [taken('public', 20, '粤东西北地区振兴战略', 2014)]));
  t.equal(none.credits[0]!.status, 'pending', 'no catalogue at all: pending too');
});

t.test('ST-3/ST-4: a make-up in 2014 counts only for the year its subject belongs to', async (t) => {
  const y2013 = st(2013, [taken('public', 20, '新时期广东生态文明建设', 2013)]);
  t.equal(y2013.counted.public, 20, "2013's public subject made up in 2014 counts for 2013");
  const wrong = st(2013, [taken('public', 20, '广东文化强省建设', 2013)]);
  t.same([wrong.counted.public, wrong.excluded[0]!.ruleId], [0, 'ST-3'], "2012's subject does not make up 2013");
  t.equal(st(2012, [taken('public', 20, '广东文化强省建设', 2012)]).counted.public, 20, 'it makes up 2012');
  t.equal(st(2010, [taken('public', 20, '专业技术人员能力建设教程', 2010)]).counted.public, 20, "2010's subject makes up 2010");
  t.equal(st(2013, [taken('public', 20, '粤东西北地区振兴战略', 2013)]).excluded[0]!.ruleId, 'ST-3', "2014's subject does not make up 2013");

  const prof = st(2013, [taken('professional', 21, '自控力科学', 2013), taken('professional', 21, '专业技术人员团队合作能力与创新团队建设', 2013)]);
  t.equal(prof.counted.professional, 42, "2013's two professional subjects (21 each) make up 2013's professional hours");
  const prof2012 = st(2013, [taken('professional', 21, '专业技术人员心理健康与心理调适', 2013)]);
  t.same([prof2012.counted.professional, prof2012.excluded[0]!.ruleId], [0, 'ST-3']);
  t.match(prof2012.excluded[0]!.reason, /professional subject of 2012; it makes up 2012, not 2013/);
  t.equal(st(2013, [taken('elective', 12, '潮汕文化解读', 2013, { reviews: approvedBy('employer') })]).counted.elective, 12, 'the past-year electives belong to no one year');
  const offList = st(2013, [taken('professional', 21, '建筑工程新规范', 2013)]);
  t.equal(offList.excluded[0]!.ruleId, 'ST-3', 'a make-up is taken from the past-year catalogue');

  const full2013 = st(2013, [
    taken('public', 20, '新时期广东生态文明建设', 2013),
    taken('professional', 21, '自控力科学', 2013),
    taken('professional', 21, '专业技术人员团队合作能力与创新团队建设', 2013),
    taken('elective', 12, '低碳知识与低碳广东', 2013, { reviews: approvedBy('employer') }),
  ]);
  t.same([full2013.compliant, full2013.counted.total], [true, 74], 'a whole past year made up from the catalogue: 20 + 42 + 12');
});

t.test('ST-9: a year the calendar does not cover is flagged, not counted as all weekdays working', async (t) => {
  const c = { startsOn: '2027-02-01', endsOn: '2027-02-04', filedOn: '2027-01-10' };
  const credit = completion('professional', 21, { creditYear: 2027, completedOn: '2027-02-04', recordedOn: '2027-02-12', reviews: approvedBy('employer', 'bureau') }, c);
  const unknown = evaluate(personYear('shantou', 'intermediate', [credit], { year: 2027, calendar: new WorkingCalendar() }));
  t.same(unknown.flags.map((f) => f.ruleId), ['ST-9']);
  t.match(unknown.flags[0]!.message, /no holiday and 调休 table is on record for 2027/);
  t.equal(unknown.counted.professional, 21, 'the person keeps the hours');

  // A table for 2027 as a bureau would record it (holidays 5–11 February, Saturday 20 February worked).
  const calendar = new WorkingCalendar();
  calendar.record({ year: 2027, holidays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11'], workdays: ['2027-02-20'] });
  const onTime = evaluate(personYear('shantou', 'intermediate', [{ ...credit, recordedOn: '2027-02-18' }], { year: 2027, calendar }));
  t.same(onTime.flags, [], 'the fifth working day after Thursday 4 February is Thursday 18 February with the table');
  const late = evaluate(personYear('shantou', 'intermediate', [{ ...credit, recordedOn: '2027-02-19' }], { year: 2027, calendar }));
  t.match(late.flags[0]!.message, /after the 5-working-day deadline 2027-02-18/);
});
