import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Jurisdiction, Year } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { AwaitingReviewView, OversightView, UnstampedView } from '../../../schemas/views.js';
import { institutionOversightProjection } from '../../../projections/institution-oversight.js';
import type { OversightQueries } from '../../../projections/institution-oversight.js';
import { oversightView } from './oversight.js';
import { stampDayOnOrAfter } from '../../rules/calendar.js';
import { beijingDate } from '../../time/clock.js';
import type { Clock } from '../../time/clock.js';
import { ApiError } from '../errors.js';
import { listQuery, pageSchema, sendList } from '../lists.js';
import { awaitPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

const WorklistQuery = listQuery(2).extend({ year: z.coerce.number().pipe(Year).optional(), jurisdiction: Jurisdiction.optional() });

/** A bureau works its own jurisdiction; an auditor names the one to look at. */
function jurisdictionOf(req: FastifyRequest, asked: string | undefined): string {
  const actor = req.principal!;
  if (actor.role === 'bureau') {
    if (asked !== undefined && asked !== actor.jurisdiction) throw new ApiError('FORBIDDEN', 'a bureau works its own jurisdiction');
    return actor.jurisdiction!;
  }
  if (asked === undefined) throw new ApiError('VALIDATION_FAILED', 'name the jurisdiction', [{ path: 'querystring.jurisdiction', message: 'required for an auditor' }]);
  return asked;
}

export function worklistRoutes(app: FastifyInstance, deps: ReadDeps & { clock: Clock }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['bureau', 'auditor']);

  r.get(
    '/v1/worklists/reviews',
    {
      onRequest,
      schema: {
        summary: "Credits waiting for the bureau's review (ST-7 re-review, SZ-5/SZ-7 values), by person and year",
        querystring: WorklistQuery,
        response: { 200: pageSchema(AwaitingReviewView), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const jurisdiction = jurisdictionOf(req, q.jurisdiction);
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      return sendList(
        reply,
        q,
        async (limit, after) => {
          const page = await deps.read.models.awaitingBureau(jurisdiction, q.year, limit, after);
          return {
            ...page,
            items: page.items.map((y) => ({
              personId: y.personId,
              name: y.name,
              year: y.year,
              employerId: y.employerId,
              credits: y.credits.map((c) => {
                const waiting = c.reasons.find((x) => x.effect === 'pending')!;
                return { creditId: c.creditId, source: c.source, category: c.category, claimed: c.claimed, ruleId: waiting.ruleId, waitingFor: waiting.message, reviews: c.reviews };
              }),
            })),
          };
        },
        {
          filename: `reviews-${jurisdiction}`,
          columns: [
            ['personId', (y) => y.personId],
            ['name', (y) => y.name],
            ['year', (y) => y.year],
            ['employerId', (y) => y.employerId],
            ['creditIds', (y) => y.credits.map((c) => c.creditId).join(' ')],
            ['ruleIds', (y) => [...new Set(y.credits.map((c) => c.ruleId))].join(' ')],
          ],
        },
        deps.read.runner.position,
      );
    },
  );

  r.get(
    '/v1/worklists/unstamped-certificates',
    {
      onRequest,
      schema: {
        summary: 'Certificates issued and not stamped yet, with the next stamp day (ST-12)',
        querystring: WorklistQuery,
        response: { 200: pageSchema(UnstampedView), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const jurisdiction = jurisdictionOf(req, q.jurisdiction);
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const next = jurisdiction === 'shantou' ? stampDayOnOrAfter(beijingDate(deps.clock()), deps.read.models.calendar()) : null;
      // Without the year's holiday table the next stamp day cannot be counted (ST-12): not guessed.
      const nextStampDay = typeof next === 'string' ? next : null;
      return sendList(
        reply,
        q,
        async (limit, after) => {
          const page = await deps.read.models.unstamped(jurisdiction, q.year, limit, after);
          return {
            ...page,
            items: page.items.map((y) => ({ certificateNumber: y.certificate!.certificateNumber, personId: y.personId, name: y.name, year: y.year, issuedOn: y.issuedOn, nextStampDay })),
          };
        },
        {
          filename: `unstamped-${jurisdiction}`,
          columns: [
            ['certificateNumber', (c) => c.certificateNumber],
            ['personId', (c) => c.personId],
            ['name', (c) => c.name],
            ['year', (c) => c.year],
            ['issuedOn', (c) => c.issuedOn],
            ['nextStampDay', (c) => c.nextStampDay],
          ],
        },
        deps.read.runner.position,
      );
    },
  );

  r.get(
    '/v1/worklists/institutions',
    {
      onRequest,
      schema: {
        summary: 'Institutions with findings in the jurisdiction, worst first (sanctions, then irregular entries)',
        querystring: listQuery(2).extend({ jurisdiction: Jurisdiction.optional() }),
        response: { 200: pageSchema(OversightView), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const jurisdiction = jurisdictionOf(req, q.jurisdiction);
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      const oversight = deps.read.projector.queries<OversightQueries>(institutionOversightProjection);
      return sendList(
        reply,
        q,
        (limit, after) => {
          const page = oversight.worst(jurisdiction, limit, after);
          return { ...page, items: page.items.map(oversightView) };
        },
        {
          filename: `institutions-with-findings-${jurisdiction}`,
          columns: [
            ['institutionId', (i) => i.institutionId],
            ['name', (i) => i.name],
            ['severity', (i) => i.severity],
            ['ruleIds', (i) => [...new Set(i.flags.map((f) => f.ruleId))].join(' ')],
            ['sanctions', (i) => i.creditFile.map((e) => `${e.effectiveOn} ${e.kind}`).join('; ')],
          ],
        },
        deps.read.runner.position,
      );
    },
  );
}
