import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordId, Year } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { StaffMemberView } from '../../../schemas/views.js';
import { ApiError } from '../errors.js';
import { listQuery, pageSchema, sendList } from '../lists.js';
import { awaitPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

export function employerReadRoutes(app: FastifyInstance, deps: ReadDeps) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/employers/:id/staff',
    {
      onRequest: deps.authenticate(['employer', 'bureau', 'auditor']),
      schema: {
        summary: "An employer's staff in a year: counted hours, shortfall per floor, certificate state",
        description:
          'Staff by the employer in force that year (a transfer moves later years). The employer sees all its staff, a bureau those in its jurisdiction, an auditor all. `compliant=false` lists those short; `format=csv` exports every page.',
        params: z.object({ id: RecordId }),
        querystring: listQuery(1).extend({
          year: z.coerce.number().pipe(Year),
          compliant: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        }),
        response: { 200: pageSchema(StaffMemberView), 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const actor = req.principal!;
      if (actor.role === 'employer' && actor.sub !== req.params.id) throw new ApiError('FORBIDDEN', 'an employer lists its own staff');
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const filter = {
        ...(q.compliant !== undefined ? { compliant: q.compliant } : {}),
        ...(actor.role === 'bureau' ? { jurisdiction: actor.jurisdiction! } : {}),
      };
      return sendList(
        reply,
        q,
        (limit, after) => deps.read.lists.page('staff', { employerId: req.params.id, year: q.year, filter }, limit, after),
        {
          filename: `staff-${req.params.id}-${q.year}`,
          columns: [
            ['personId', (s) => s.personId],
            ['name', (s) => s.name],
            ['titleLevel', (s) => s.titleLevel],
            ['compliant', (s) => s.compliant],
            ['countedPublic', (s) => s.counted.public],
            ['countedProfessional', (s) => s.counted.professional],
            ['countedElective', (s) => s.counted.elective],
            ['countedTotal', (s) => s.counted.total],
            ['shortPublic', (s) => s.shortfall.public],
            ['shortProfessional', (s) => s.shortfall.professional],
            ['shortElective', (s) => s.shortfall.elective],
            ['shortTotal', (s) => s.shortfall.total],
            ['certificateNumber', (s) => s.certificate?.certificateNumber],
            ['certificateStatus', (s) => s.certificate?.status],
          ],
        },
        deps.read.runner.position,
      );
    },
  );
}
