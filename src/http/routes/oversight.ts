import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { institutionOversightProjection } from '../../../projections/institution-oversight.js';
import type { OversightQueries, OversightRecord } from '../../../projections/institution-oversight.js';
import { RecordId } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { OversightView, TrainerFileView } from '../../../schemas/views.js';
import { ApiError, refusalError } from '../errors.js';
import { mayKnow, notFound } from '../../domain/authorize.js';
import { awaitPosition, MinPosition } from './persons-read.js';
import type { ReadDeps } from './persons-read.js';

/** The record as the API shows it: flags as a list, worst first. */
export function oversightView(r: OversightRecord) {
  return { ...r, flags: Object.values(r.flags).sort((a, b) => b.count - a.count || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.courseId < b.courseId ? -1 : 1)) };
}

export function oversightRoutes(app: FastifyInstance, deps: ReadDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const queries = () => deps.read.projector.queries<OversightQueries>(institutionOversightProjection);

  r.get(
    '/v1/institutions/:id/oversight',
    {
      onRequest: deps.authenticate(['bureau', 'institution', 'auditor']),
      schema: {
        summary: "An institution's flags (ST-9 late entries, ST-10 late filings, ST-14/FZ-8 proofs outside a filed course, FZ-4 unapproved classes, FZ-5 certificate numbers) and its credit file",
        params: z.object({ id: RecordId }),
        querystring: MinPosition,
        response: { 200: OversightView.extend({ asOfPosition: z.string() }), 404: ErrorResponse },
      },
    },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const rec = queries().institution(req.params.id);
      if (!rec || !mayKnow(req.principal!, rec)) throw refusalError(notFound.institution(req.params.id));
      return { ...oversightView(rec), asOfPosition: deps.read.runner.position.toString() };
    },
  );

  r.get(
    '/v1/trainers/:id/credit-file',
    {
      onRequest: deps.authenticate(['bureau', 'auditor']),
      schema: {
        summary: 'FZ-8: the credit file of a person who delivers training (a bureau sees the entries of its jurisdiction)',
        params: z.object({ id: RecordId }),
        querystring: MinPosition,
        response: { 200: TrainerFileView.extend({ asOfPosition: z.string() }), 404: ErrorResponse },
      },
    },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const file = queries().trainer(req.params.id);
      const actor = req.principal!;
      const entries = (file?.entries ?? []).filter((e) => actor.role === 'auditor' || e.jurisdiction === actor.jurisdiction);
      if (!file || entries.length === 0) throw new ApiError('NOT_FOUND', `no credit file for trainer ${req.params.id}`);
      return { ...file, entries, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}
