import { daysBetween, isMissingYear } from '../src/rules/calendar.js';
import type { WorkingCalendar } from '../src/rules/calendar.js';

/**
 * ST-9: Shantou's institutions enter results within 5 working days after a course ends. The days
 * an entry came after that deadline, 0 when it was in time or the rule does not apply, and
 * undefined when the deadline cannot be counted (no holiday table for its year).
 */
export function daysLate(course: { jurisdiction: string; endsOn: string }, recordedOn: string, calendar: WorkingCalendar): number | undefined {
  if (course.jurisdiction !== 'shantou') return 0;
  const due = calendar.addWorkingDays(course.endsOn, 5);
  if (isMissingYear(due)) return undefined;
  return recordedOn > due ? daysBetween(due, recordedOn) : 0;
}
