import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { institutionsProjection } from '../../../projections/institutions.js';
import type { InstitutionQueries } from '../../../projections/institutions.js';
import { Jurisdiction, RecordId } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { InstitutionView } from '../../../schemas/views.js';
import { ApiError, refusalError } from '../errors.js';
import { mayKnow, notFound } from '../../domain/authorize.js';
import { listQuery, pageSchema, sendList } from '../lists.js';
import { awaitPosition, MinPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

export function institutionReadRoutes(app: FastifyInstance, deps: ReadDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['bureau', 'institution', 'auditor']);
  const queries = () => deps.read.projector.queries<InstitutionQueries>(institutionsProjection);

  r.get(
    '/v1/institutions',
    {
      onRequest,
      schema: {
        summary: 'Institutions: accreditation, courses, completions, late entries (ST-9)',
        description: 'A bureau sees its jurisdiction, an institution itself, an auditor all. `format=csv` exports every page.',
        querystring: listQuery(1).extend({
          jurisdiction: Jurisdiction.optional(),
          status: z.enum(['accredited', 'withdrawn']).optional(),
          late: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
        }),
        response: { 200: pageSchema(InstitutionView), 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const actor = req.principal!;
      if (actor.role === 'bureau' && q.jurisdiction !== undefined && q.jurisdiction !== actor.jurisdiction) throw new ApiError('FORBIDDEN', 'a bureau lists its own jurisdiction');
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const filter = {
        ...(actor.role === 'bureau' ? { jurisdiction: actor.jurisdiction! } : q.jurisdiction ? { jurisdiction: q.jurisdiction } : {}),
        ...(actor.role === 'institution' ? { institutionId: actor.sub } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.late !== undefined ? { late: q.late } : {}),
      };
      return sendList(reply, q, (limit, after) => deps.read.lists.page('institutions', { filter }, limit, after), {
        filename: 'institutions',
        columns: [
          ['institutionId', (i) => i.institutionId],
          ['name', (i) => i.name],
          ['jurisdiction', (i) => i.jurisdiction],
          ['level', (i) => i.level],
          ['status', (i) => i.status],
          ['courses', (i) => i.courses],
          ['completions', (i) => i.completions],
          ['lateEntries', (i) => i.lateEntries],
        ],
      }, deps.read.runner.position);
    },
  );

  r.get(
    '/v1/institutions/:id',
    {
      onRequest,
      schema: {
        summary: "An institution's record",
        params: z.object({ id: RecordId }),
        querystring: MinPosition,
        response: { 200: InstitutionView.extend({ asOfPosition: z.string() }), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const actor = req.principal!;
      // An institution may read only itself: the answer for another does not depend on whether it exists.
      if (actor.role === 'institution' && actor.sub !== req.params.id) throw new ApiError('FORBIDDEN', 'an institution reads its own record');
      const i = queries().institution(req.params.id);
      // The bureau of its jurisdiction, the institution itself and auditors; anyone else is answered as for no such institution.
      if (!i || !mayKnow(actor, i)) throw refusalError(notFound.institution(req.params.id));
      return { ...i, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}
