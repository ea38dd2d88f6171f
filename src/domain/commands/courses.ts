import type { z } from 'zod';
import type { ApproveCourse, CancelCourse, FileCourse } from '../../../schemas/commands.js';
import { checkScope } from '../authorize.js';
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
  if (!institution.exists) return reject('NOT_FOUND', `institution ${cmd.institutionId} is not accredited`);
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

/** Loads a filed course and decides on it once the actor is in scope (its institution or bureau). */
function onCourse(ctx: CommandContext, courseId: string, roles: ('institution' | 'bureau')[], decide: (state: CourseState) => Decision<Draft>) {
  return execute(ctx, {
    streamId: streams.course(courseId),
    initial: () => initialCourse,
    evolve: evolveCourse,
    decide: ({ state }) => {
      if (!state.exists) return reject('NOT_FOUND', `course ${courseId} is not filed`);
      const denied = checkScope(ctx.actor, roles, { institutionId: state.institutionId, jurisdiction: state.jurisdiction });
      return denied ?? decide(state);
    },
  });
}

export function approveCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof ApproveCourse>) {
  return onCourse(ctx, courseId, ['bureau'], (state) => {
    if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was cancelled`);
    if (state.approvalNo) return reject('CONFLICT', `course ${courseId} is already approved (${state.approvalNo})`);
    return accept<Draft>({ type: 'CourseApproved', data: { courseId, ...cmd } });
  });
}

export function cancelCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof CancelCourse>) {
  return onCourse(ctx, courseId, ['institution', 'bureau'], (state) => {
    if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was already cancelled`);
    return accept<Draft>({ type: 'CourseCancelled', data: { courseId, ...cmd } });
  });
}
