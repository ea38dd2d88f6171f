import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { REPORT_COLUMNS, yearTotals } from '../../../projections/reports.js';
import { csvText } from '../csv.js';
import { Jurisdiction, Year } from '../../../schemas/common.js';
import { ApiError } from '../errors.js';
import { awaitPosition, MinPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

export function reportRoutes(app: FastifyInstance, deps: ReadDeps) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/reports/year-totals',
    {
      onRequest: deps.authenticate(['bureau', 'auditor']),
      schema: {
        summary: 'Persons, compliant persons and counted hours of a jurisdiction and year',
        querystring: MinPosition.extend({
          jurisdiction: Jurisdiction,
          year: z.coerce.number().pipe(Year),
          groupBy: z.enum(['none', 'employer', 'category', 'titleLevel']).default('none'),
          format: z.enum(['json', 'csv']).default('json'),
        }),
      },
    },
    async (req, reply) => {
      const q = req.query;
      const actor = req.principal!;
      if (actor.role === 'bureau' && actor.jurisdiction !== q.jurisdiction) throw new ApiError('FORBIDDEN', 'a bureau reports on its own jurisdiction');
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const rows = yearTotals(q.jurisdiction, q.year, deps.read.models.reportInputs(q.jurisdiction, q.year), q.groupBy);
      if (q.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="year-totals-${q.jurisdiction}-${q.year}-${q.groupBy}.csv"`)
          .send(csvText(REPORT_COLUMNS, rows.map((r) => REPORT_COLUMNS.map((c) => r[c]))));
      }
      return { jurisdiction: q.jurisdiction, year: q.year, groupBy: q.groupBy, asOfPosition: deps.read.runner.position.toString(), rows };
    },
  );
}
