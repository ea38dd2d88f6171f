import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ListPublicSubjects, RecordHolidayTable, RecordPastYearCatalogue } from '../../../schemas/commands.js';
import { Jurisdiction, Year } from '../../../schemas/common.js';
import { listPublicSubjects, recordHolidayTable, recordPastYearCatalogue } from '../../domain/commands/bureau-data.js';
import { emptyCatalogue } from '../../rules/catalogue.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';
import { awaitPosition, MinPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

const YearParam = z.coerce.number().pipe(Year);

/** The bureaus' own data the rules read: catalogues of subjects (ST-2, ST-3) and holiday tables (ST-9, ST-12). */
export function bureauDataRoutes(app: FastifyInstance, deps: WriteDeps & ReadDeps) {
  writeRoute(app, deps, {
    url: '/v1/catalogues/:jurisdiction/public-subjects/:year',
    roles: ['bureau'],
    body: ListPublicSubjects,
    params: z.object({ jurisdiction: Jurisdiction, year: YearParam }),
    summary: "List a year's public subjects (ST-2); a later listing of the year replaces it",
    run: (ctx, body, p) => listPublicSubjects(ctx, p.jurisdiction, p.year, body),
  });
  writeRoute(app, deps, {
    url: '/v1/catalogues/:jurisdiction/past-years',
    roles: ['bureau'],
    body: RecordPastYearCatalogue,
    params: z.object({ jurisdiction: Jurisdiction }),
    summary: 'Record the past-year catalogue for make-up: which subject belongs to which year (ST-3)',
    run: (ctx, body, p) => recordPastYearCatalogue(ctx, p.jurisdiction, body),
  });
  writeRoute(app, deps, {
    url: '/v1/calendar/:year',
    roles: ['bureau'],
    body: RecordHolidayTable,
    params: z.object({ year: YearParam }),
    summary: "Record a year's public holidays and adjusted working days (调休); it replaces the calendar package's data for the year",
    run: (ctx, body, p) => recordHolidayTable(ctx, p.year, body),
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  const readers = deps.authenticate(['bureau', 'institution', 'employer', 'professional', 'auditor']);
  r.get(
    '/v1/catalogues/:jurisdiction',
    { onRequest: readers, schema: { params: z.object({ jurisdiction: Jurisdiction }), querystring: MinPosition, summary: "A jurisdiction's recorded catalogues" } },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      return { jurisdiction: req.params.jurisdiction, ...(deps.read.models.catalogue(req.params.jurisdiction) ?? emptyCatalogue()) };
    },
  );
  r.get(
    '/v1/calendar/:year',
    { onRequest: readers, schema: { params: z.object({ year: YearParam }), querystring: MinPosition, summary: "A year's recorded holiday table, and whether working days of the year can be counted" } },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const calendar = deps.read.models.calendar();
      const table = calendar.tables().find((t) => t.year === req.params.year);
      return { year: req.params.year, covered: calendar.covers(req.params.year), source: table ? 'recorded' : calendar.covers(req.params.year) ? 'package' : 'none', ...(table ? { holidays: table.holidays, workdays: table.workdays } : {}) };
    },
  );
}
