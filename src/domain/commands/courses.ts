import type { z } from 'zod';
import type { ApproveCourse, CancelCourse, FileCourse } from '../../../schemas/commands.js';
import { checkScope } from '../authorize.js';
import { execute, load } from '../handle.js';
import type { CommandContext } from '../handle.js';
import { accept, reject } from '../result.js';
import { evolveCourse, initialCourse } from '../state/course.js';
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

export function approveCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof ApproveCourse>) {
  return execute(ctx, {
    streamId: streams.course(courseId),
    initial: () => initialCourse,
    evolve: evolveCourse,
    decide: ({ state }) => {
      if (!state.exists) return reject('NOT_FOUND', `course ${courseId} is not filed`);
      const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: state.jurisdiction });
      if (denied) return denied;
      if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was cancelled`);
      if (state.approvalNo) return reject('CONFLICT', `course ${courseId} is already approved (${state.approvalNo})`);
      return accept({ type: 'CourseApproved', data: { courseId, ...cmd } });
    },
  });
}

export function cancelCourse(ctx: CommandContext, courseId: string, cmd: z.infer<typeof CancelCourse>) {
  return execute(ctx, {
    streamId: streams.course(courseId),
    initial: () => initialCourse,
    evolve: evolveCourse,
    decide: ({ state }) => {
      if (!state.exists) return reject('NOT_FOUND', `course ${courseId} is not filed`);
      const denied = checkScope(ctx.actor, ['institution', 'bureau'], { institutionId: state.institutionId, jurisdiction: state.jurisdiction });
      if (denied) return denied;
      if (state.cancelledOn) return reject('CONFLICT', `course ${courseId} was already cancelled`);
      return accept({ type: 'CourseCancelled', data: { courseId, ...cmd } });
    },
  });
}
