import type { z } from 'zod';
import type { ApproveCourse, CancelCourse, FileCourse, PublishCourse, RecordObjection } from '../../../schemas/commands.js';
import { addDays } from '../../rules/calendar.js';
import { checkRole, checkScope, mayKnow, notFound } from '../authorize.js';
import { execute, load } from '../handle.js';
import type { CommandContext, Draft } from '../handle.js';
import { accept, reject } from '../result.js';
import type { Decision } from '../result.js';
import { evolveCourse, initialCourse } from '../state/course.js';
import type { CourseState } from '../state/course.js';
import { evolveInstitution, initialInstitution } from '../state/institution.js';
import { streams } from '../streams.js';

export async function fileCourse(ctx: CommandContext, cmd: z.infer<typeof FileCourse>) {
  const denied = checkScope(ctx.actor, ['institution'], { institutionId: cmd.institutionId });
  if (denied) return denied;
  const { state: institution } = await load(ctx.store, streams.institution(cmd.institutionId), () => initialInstitution, evolveInstitution);
  if (!institution.exists) return notFound.institution(cmd.institutionId);
  if (institution.withdrawnOn && institution.withdrawnOn <= cmd.filedOn) {
    return reject('RULE_VIOLATION', `accreditation of ${cmd.institutionId} was withdrawn on ${institution.withdrawnOn}`, { ruleId: 'ZZ-4' });
  }
  return execute(ctx, {
    streamId: streams.course(cmd.courseId),
    initial: () => initialCourse,
    evolve: evolveCourse,
    decide: ({ state }) => {
      if (state.exists) return reject('CONFLICT', `course ${cmd.courseId} is already filed`);
      return accept({ type: 'CourseFiled', data: { ...cmd, jurisdiction: institution.jurisdiction! } });
    },
  });
}

/**
 * Loads a filed course and decides on it once the actor is in scope (its institution or bureau);
 * another's course is answered as no such course.
 */
async function onCourse(ctx: CommandContext, courseId: string, roles: ('institution' | 'bureau')[], decide: (state: CourseState) => Decision<Draft>) {
  const denied = checkRole(ctx.actor, roles);
  if (denied) return denied;
  return execute(ctx, {
    streamId: streams.course(courseId),
    initial: () => initialCourse,
    evolve: evolveCourse,
    visible: ({ state }) => (state.exists && mayKnow(ctx.actor, { institutionId: state.institutionId, jurisdiction: state.jurisdiction }) ? undefined : notFound.course(courseId)),
    decide: ({ state }) => decide(state),
  });
}

/** FZ-4: days of public notice before a class may be approved. */
const NOTICE_DAYS = 5;

/** FZ-4: in Fuzhou a class is approved only after 5 days of public notice without objection. */
function noticeRefusal(state: CourseState, approvedOn: string) {
  if (state.jurisdiction !== 'fuzhou') return undefined;
  if (!state.publishedOn) return reject('RULE_VIOLATION', `class ${state.courseId} was not published for public notice before approval`, { ruleId: 'FZ-4' });
  const earliest = addDays(state.publishedOn, NOTICE_DAYS);
  if (approvedOn < earliest) {
    return reject('RULE_VIOLATION', `class ${state.courseId} was published on ${state.publishedOn}: approval comes after ${NOTICE_DAYS} days of public notice, on ${earliest} at the earliest, not ${approvedOn}`, {
      ruleId: 'FZ-4',
      details: { publishedOn: state.publishedOn, earliest },
    });
  }
  const objected = state.objections?.[0];
  if (objected) {
    return reject('RULE_VIOLATION', `an objection was raised on ${objected} during the public notice of class ${state.courseId}: publish it again once resolved`, {
      ruleId: 'FZ-4',
      details: { objections: state.objections },
    });
  }
  return undefined;
}

export function approveCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof ApproveCourse>) {
  return onCourse(ctx, courseId, ['bureau'], (state) => {
    if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was cancelled`);
    if (state.approvalNo) return reject('CONFLICT', `course ${courseId} is already approved (${state.approvalNo})`);
    return noticeRefusal(state, cmd.approvedOn) ?? accept<Draft>({ type: 'CourseApproved', data: { courseId, ...cmd } });
  });
}

/** FZ-4: Fuzhou publishes the classes it registered in the first week of each quarter (1–7 January, April, July, October). */
function inFirstWeekOfQuarter(date: string): boolean {
  const month = Number(date.slice(5, 7));
  return (month - 1) % 3 === 0 && Number(date.slice(8, 10)) <= 7;
}

/** FZ-4: the bureau publishes a filed class for public notice (again, after an objection). */
export function publishCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof PublishCourse>) {
  return onCourse(ctx, courseId, ['bureau'], (state) => {
    if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was cancelled`);
    if (state.jurisdiction === 'fuzhou' && !inFirstWeekOfQuarter(cmd.publishedOn)) {
      return reject('RULE_VIOLATION', `classes are published for notice in the first week of each quarter (1–7 January, April, July, October), not on ${cmd.publishedOn}`, { ruleId: 'FZ-4' });
    }
    if (state.approvalNo) return reject('CONFLICT', `course ${courseId} is already approved (${state.approvalNo})`);
    if (state.publishedOn && cmd.publishedOn < state.publishedOn) {
      return reject('RULE_VIOLATION', `course ${courseId} was last published on ${state.publishedOn}; a new notice cannot start earlier`, { ruleId: 'FZ-4' });
    }
    return accept<Draft>({ type: 'CoursePublished', data: { courseId, ...cmd } });
  });
}

/** FZ-4: the bureau records an objection raised during the notice; it blocks the approval. */
export function recordObjection(ctx: CommandContext, courseId: string, cmd: z.infer<typeof RecordObjection>) {
  return onCourse(ctx, courseId, ['bureau'], (state) => {
    if (state.approvalNo) return reject('CONFLICT', `course ${courseId} is already approved (${state.approvalNo})`);
    if (!state.publishedOn) return reject('RULE_VIOLATION', `course ${courseId} is not under public notice`, { ruleId: 'FZ-4' });
    if (cmd.objectedOn < state.publishedOn) {
      return reject('RULE_VIOLATION', `the notice of course ${courseId} began on ${state.publishedOn}, after ${cmd.objectedOn}`, { ruleId: 'FZ-4' });
    }
    return accept<Draft>({ type: 'CourseObjectionRecorded', data: { courseId, ...cmd } });
  });
}

export function cancelCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof CancelCourse>) {
  return onCourse(ctx, courseId, ['institution', 'bureau'], (state) => {
    if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was already cancelled`);
    return accept<Draft>({ type: 'CourseCancelled', data: { courseId, ...cmd } });
  });
}
