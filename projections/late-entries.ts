import { addWorkingDays, daysBetween } from '../src/rules/calendar.js';

/**
 * ST-9: Shantou's institutions enter results within 5 working days after a course ends. The days
 * an entry came after that deadline, or 0 when it was in time or the rule does not apply.
 */
export function daysLate(course: { jurisdiction: string; endsOn: string }, recordedOn: string): number {
  if (course.jurisdiction !== 'shantou') return 0;
  const due = addWorkingDays(course.endsOn, 5);
  return recordedOn > due ? daysBetween(due, recordedOn) : 0;
}
