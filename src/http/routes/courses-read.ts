import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { coursesProjection } from '../../../projections/courses.js';
import { Category, Jurisdiction, RecordId, Year } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { CourseView, RosterEntryView } from '../../../schemas/views.js';
import type { Principal } from '../../security/principal.js';
import { ApiError, refusalError } from '../errors.js';
import { mayKnow, notFound } from '../../domain/authorize.js';
import { listQuery, pageSchema, sendList } from '../lists.js';
import { awaitPosition, MinPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

export function courseReadRoutes(app: FastifyInstance, deps: ReadDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['bureau', 'institution', 'auditor']);
  const queries = () => deps.read.projector.queries(coursesProjection);
  const find = (actor: Principal, id: string) => {
    const c = queries().course(id);
    // The bureau of its jurisdiction, the institution that runs it and auditors; anyone else is answered as for no such course.
    if (!c || !mayKnow(actor, c)) throw refusalError(notFound.course(id));
    return c;
  };

  r.get(
    '/v1/courses',
    {
      onRequest,
      schema: {
        summary: 'Courses: filing, approval number, certificate-number range, completions',
        description: 'A bureau sees its jurisdiction, an institution its own courses, an auditor all. `format=csv` exports every page.',
        querystring: listQuery(1).extend({
          jurisdiction: Jurisdiction.optional(),
          institutionId: RecordId.optional(),
          category: Category.optional(),
          status: z.enum(['filed', 'approved', 'cancelled']).optional(),
          year: z.coerce.number().pipe(Year).optional(),
        }),
        response: { 200: pageSchema(CourseView), 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const actor = req.principal!;
      if (actor.role === 'bureau' && q.jurisdiction !== undefined && q.jurisdiction !== actor.jurisdiction) throw new ApiError('FORBIDDEN', 'a bureau lists its own jurisdiction');
      if (actor.role === 'institution' && q.institutionId !== undefined && q.institutionId !== actor.sub) throw new ApiError('FORBIDDEN', 'an institution lists its own courses');
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const filter = {
        ...(actor.role === 'bureau' ? { jurisdiction: actor.jurisdiction! } : q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
        ...(actor.role === 'institution' ? { institutionId: actor.sub } : q.institutionId ? { institutionId: q.institutionId } : {}),
        ...(q.category ? { category: q.category } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.year !== undefined ? { year: q.year } : {}),
      };
      return sendList(reply, q, (limit, after) => deps.read.lists.page('courses', { filter }, limit, after), {
        filename: 'courses',
        columns: [
          ['courseId', (c) => c.courseId],
          ['institutionId', (c) => c.institutionId],
          ['title', (c) => c.title],
          ['category', (c) => c.category],
          ['hours', (c) => c.hours],
          ['startsOn', (c) => c.startsOn],
          ['endsOn', (c) => c.endsOn],
          ['filedOn', (c) => c.filedOn],
          ['status', (c) => c.status],
          ['approvalNo', (c) => c.approval?.approvalNo],
          ['certificateNumbersFrom', (c) => c.approval?.certificateNumbers?.from],
          ['certificateNumbersTo', (c) => c.approval?.certificateNumbers?.to],
          ['completions', (c) => c.completions],
          ['lateEntries', (c) => c.lateEntries],
        ],
      }, deps.read.runner.position);
    },
  );

  r.get(
    '/v1/courses/:id',
    {
      onRequest,
      schema: {
        summary: 'A course: filing, approval, certificate-number range, completions entered',
        params: z.object({ id: RecordId }),
        querystring: MinPosition,
        response: { 200: CourseView.extend({ asOfPosition: z.string() }), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      return { ...find(req.principal!, req.params.id), asOfPosition: deps.read.runner.position.toString() };
    },
  );

  r.get(
    '/v1/courses/:id/roster',
    {
      onRequest,
      schema: {
        summary: 'Who completed the course, when it was entered, with which proof number',
        params: z.object({ id: RecordId }),
        querystring: listQuery(1),
        response: { 200: pageSchema(RosterEntryView), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const course = find(req.principal!, req.params.id);
      return sendList(reply, q, (limit, after) => deps.read.models.roster(course, limit, after), {
        filename: `roster-${course.courseId}`,
        columns: [
          ['personId', (e) => e.personId],
          ['creditId', (e) => e.creditId],
          ['completedOn', (e) => e.completedOn],
          ['recordedOn', (e) => e.recordedOn],
          ['assessment', (e) => e.assessment],
          ['hours', (e) => e.hours],
          ['proofNumber', (e) => e.proofNumber],
          ['daysLate', (e) => e.daysLate],
          ['revoked', (e) => e.revoked],
        ],
      }, deps.read.runner.position);
    },
  );
}
