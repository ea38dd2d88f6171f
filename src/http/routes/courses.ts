import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApproveCourse, CancelCourse, FileCourse } from '../../../schemas/commands.js';
import { RecordId } from '../../../schemas/common.js';
import { approveCourse, cancelCourse, fileCourse } from '../../domain/commands/courses.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';

export function courseRoutes(app: FastifyInstance, deps: WriteDeps) {
  const params = z.object({ id: RecordId });
  writeRoute(app, deps, {
    url: '/v1/courses',
    roles: ['institution'],
    body: FileCourse,
    summary: 'File a course (the institution itself)',
    run: (ctx, body) => fileCourse(ctx, body),
  });
  writeRoute(app, deps, {
    url: '/v1/courses/:id/approval',
    roles: ['bureau'],
    body: ApproveCourse,
    params,
    summary: 'Approve a course, with its certificate-number range (FZ-4, FZ-5)',
    run: (ctx, body, p) => approveCourse(ctx, p.id, body),
  });
  writeRoute(app, deps, {
    url: '/v1/courses/:id/cancellation',
    roles: ['institution', 'bureau'],
    body: CancelCourse,
    params,
    summary: 'Cancel a course',
    run: (ctx, body, p) => cancelCourse(ctx, p.id, body),
  });
}
