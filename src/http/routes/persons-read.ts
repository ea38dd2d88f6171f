import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordId, Year } from '../../../schemas/common.js';
import { inScope } from '../../domain/authorize.js';
import type { PersonRecord } from '../../../projections/person.js';
import type { Principal } from '../../security/principal.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Authenticate } from '../auth.js';
import { ApiError } from '../errors.js';

export const MinPosition = z.object({ minPosition: z.string().regex(/^\d{1,20}$/).optional() });

/** Read-your-writes: a query may name the position its write returned and wait (bounded) for it. */
export async function awaitPosition(read: ReadSide, minPosition: string | undefined, waitMs: number): Promise<void> {
  if (minPosition === undefined) return;
  const reached = await read.runner.waitForPosition(BigInt(minPosition), waitMs);
  if (!reached) throw new ApiError('TIMEOUT', `the read side has not reached position ${minPosition} yet`, { position: read.runner.position.toString() });
}

/** Owner, employer, the bureau of the person's jurisdiction, and auditors may read a person's record. */
export function assertMayRead(actor: Principal, p: PersonRecord): void {
  if (actor.role === 'auditor') return;
  const scopes = [
    { jurisdiction: p.jurisdiction, employerId: p.employerId, personId: p.personId },
    ...p.transfers.map((t) => ({ jurisdiction: t.fromJurisdiction, employerId: t.fromEmployerId })),
  ];
  if (!scopes.some((s) => inScope(actor, s))) throw new ApiError('FORBIDDEN', `outside the ${actor.role}'s scope`);
}

export interface ReadDeps {
  read: ReadSide;
  authenticate: Authenticate;
  waitMs: number;
}

export function personReadRoutes(app: FastifyInstance, deps: ReadDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['professional', 'employer', 'bureau', 'auditor']);
  const load = (actor: Principal, personId: string) => {
    const p = deps.read.models.person(personId);
    if (!p) throw new ApiError('NOT_FOUND', `person ${personId} not found`);
    assertMayRead(actor, p);
    return p;
  };

  r.get('/v1/persons/:id', { onRequest, schema: { params: z.object({ id: RecordId }), querystring: MinPosition, summary: 'A registered professional (ID number masked)' } }, async (req) => {
    await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
    const p = load(req.principal!, req.params.id);
    return {
      personId: p.personId,
      name: p.name,
      idNumberMasked: p.idNumberMasked,
      jurisdiction: p.jurisdiction,
      titleLevel: p.titleLevel,
      employerId: p.employerId,
      ...(p.industry ? { industry: p.industry } : {}),
      registeredOn: p.registeredOn,
      titleChanges: p.titleChanges,
      transfers: p.transfers,
    };
  });

  r.get('/v1/persons/:id/years', { onRequest, schema: { params: z.object({ id: RecordId }), querystring: MinPosition, summary: "A person's years: totals, compliance, certificate" } }, async (req) => {
    await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
    load(req.principal!, req.params.id);
    return {
      personId: req.params.id,
      years: deps.read.models.personYears(req.params.id).map((y) => ({
        year: y.year,
        jurisdiction: y.jurisdiction,
        titleLevel: y.titleLevel,
        compliant: y.compliant,
        counted: y.counted,
        required: y.evaluation.required,
        shortfall: y.evaluation.shortfall,
        certificate: y.certificate ?? null,
      })),
    };
  });

  r.get(
    '/v1/persons/:id/years/:year',
    { onRequest, schema: { params: z.object({ id: RecordId, year: z.coerce.number().pipe(Year) }), querystring: MinPosition, summary: 'Has this person met the year, and if not, why (with rule ids)' } },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      load(req.principal!, req.params.id);
      const y = deps.read.models.personYear(req.params.id, req.params.year);
      if (!y) throw new ApiError('NOT_FOUND', `no record of ${req.params.id} for ${req.params.year}`);
      return { ...y.evaluation, employerId: y.employerId, certificate: y.certificate ?? null, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}
