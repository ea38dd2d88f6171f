import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApproveCourse, CancelCourse, FileCourse, PublishCourse, RecordObjection } from '../../../schemas/commands.js';
import { RecordId } from '../../../schemas/common.js';
import { approveCourse, cancelCourse, fileCourse, publishCourse, recordObjection } from '../../domain/commands/courses.js';
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
    url: '/v1/courses/:id/publication',
    roles: ['bureau'],
    body: PublishCourse,
    params,
    summary: 'Publish a class for 5 days of public notice before approval (FZ-4); again after an objection',
    run: (ctx, body, p) => publishCourse(ctx, p.id, body),
  });
  writeRoute(app, deps, {
    url: '/v1/courses/:id/objections',
    roles: ['bureau'],
    body: RecordObjection,
    params,
    summary: 'Record an objection raised during the public notice; it blocks the approval (FZ-4)',
    run: (ctx, body, p) => recordObjection(ctx, p.id, body),
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
