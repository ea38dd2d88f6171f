import fc from 'fast-check';
import t from 'tap';
import { WorkingCalendar, addWorkingDays, daysBetween, isShantouStampDay, isWorkingDay, nextWorkingDayOnOrAfter, shantouStampDays, stampDayOnOrAfter } from '../../src/rules/calendar.js';

t.test('working days follow the State Council calendar, adjusted working days included', async (t) => {
  t.equal(isWorkingDay('2014-05-10'), false, 'a Saturday');
  t.equal(isWorkingDay('2014-10-01'), false, 'National Day');
  t.equal(isWorkingDay('2014-10-11'), true, 'Saturday 11 October 2014 was an adjusted working day');
  t.equal(isWorkingDay('2014-05-04'), true, 'Sunday 4 May 2014 was an adjusted working day');
  t.equal(nextWorkingDayOnOrAfter('2014-10-01'), '2014-10-08');
  t.equal(addWorkingDays('2014-09-30', 5), '2014-10-13');
});

t.test('ST-12: stamp days are the 10th…30th, moved to the next working day', async (t) => {
  t.same(shantouStampDays(2014, 5), ['2014-05-12', '2014-05-15', '2014-05-20', '2014-05-26', '2014-05-30']);
  t.equal(isShantouStampDay('2014-05-10'), false, 'Saturday the 10th is not a stamp day…');
  t.equal(isShantouStampDay('2014-05-12'), true, '…Monday the 12th is');
  t.equal(stampDayOnOrAfter('2014-05-10'), '2014-05-12');
  t.equal(isShantouStampDay('2014-10-10'), true);
  t.same(shantouStampDays(2014, 2).length, 4, 'February has no 30th');
});

t.test('days between two dates: across month ends, leap days and years', async (t) => {
  t.equal(daysBetween('2014-05-01', '2014-05-20'), 19, 'ZZ-5: filed 19 days ahead');
  t.equal(daysBetween('2016-02-28', '2016-03-01'), 2, 'through 29 February');
  t.equal(daysBetween('2015-02-28', '2015-03-01'), 1);
  t.equal(daysBetween('2014-12-31', '2014-01-01'), -364, 'negative when the second date is earlier');
  const day = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  fc.assert(
    fc.property(day, day, (a, b) => daysBetween(a, b) === Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000)),
  );
});

t.test('a year the package does not cover is missing, not all weekdays working; a recorded table fills it', async (t) => {
  const calendar = new WorkingCalendar();
  t.equal(calendar.covers(2026), true);
  t.equal(calendar.covers(2027), false, 'chinese-days 1.5.7 has no 2027 holidays');
  t.equal(calendar.isWorkingDay('2027-02-10'), undefined, 'not "a working day": unknown');
  t.same(calendar.addWorkingDays('2026-12-30', 5), { missingYear: 2027 }, 'a count that runs into 2027 says which year is missing');
  t.same(isShantouStampDay('2027-02-10', calendar), { missingYear: 2027 });
  calendar.record({ year: 2027, holidays: ['2027-01-01', '2027-02-10', '2027-02-11'], workdays: ['2027-02-20'] });
  t.equal(calendar.covers(2027), true);
  t.same([calendar.isWorkingDay('2027-02-10'), calendar.isWorkingDay('2027-02-12'), calendar.isWorkingDay('2027-02-20'), calendar.isWorkingDay('2027-02-21')], [false, true, true, false]);
  t.equal(isShantouStampDay('2027-02-10', calendar), false, 'the 10th is a holiday…');
  t.equal(stampDayOnOrAfter('2027-02-10', calendar), '2027-02-12', '…so the stamp day moves to Friday the 12th');
  const correcting = new WorkingCalendar();
  correcting.record({ year: 2014, holidays: [], workdays: [] });
  t.equal(correcting.isWorkingDay('2014-10-01'), true, 'a recorded table replaces the package for its year');
});
