import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordId, Year } from '../../../schemas/common.js';
import type { Jurisdiction } from '../../../schemas/common.js';
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

/** Where a person-year (or the person) stood: which jurisdiction and employer held it. */
export interface Holder {
  jurisdiction: string;
  employerId: string;
}

/**
 * How far an actor may read a person. The owner, the current employer, the bureau of the current
 * jurisdiction and auditors read everything. After a transfer, the former employer and the former
 * bureau read only the years they held the person (a year is held by the jurisdiction and employer
 * it is recorded under) and the record as it stood when the person left them: not the new employer,
 * not the years that follow. Anyone else reads nothing, and is answered as if the person did not
 * exist, so that trying ids tells nobody who is registered.
 */
export type ReadReach = { kind: 'all' } | { kind: 'former'; holds: (h: Holder) => boolean; leftOn: string; before: PersonRecord['transfers'] } | undefined;

export function readReach(actor: Principal, p: PersonRecord): ReadReach {
  if (actor.role === 'auditor' || inScope(actor, { jurisdiction: p.jurisdiction, employerId: p.employerId, personId: p.personId })) return { kind: 'all' };
  const lastOut = p.transfers.findLastIndex((t) => inScope(actor, { jurisdiction: t.fromJurisdiction, employerId: t.fromEmployerId }));
  if (lastOut < 0) return undefined;
  const holds = (h: Holder) => inScope(actor, { jurisdiction: h.jurisdiction as Jurisdiction, employerId: h.employerId });
  return { kind: 'former', holds, leftOn: p.transfers[lastOut]!.effectiveOn, before: p.transfers.slice(0, lastOut) };
}

export const personNotFound = (personId: string) => new ApiError('NOT_FOUND', `person ${personId} not found`);

/** The reach of an actor who may read something of the person; not found otherwise (the same answer as for no such person). */
export function assertMayRead(actor: Principal, p: PersonRecord): NonNullable<ReadReach> {
  const reach = readReach(actor, p);
  if (!reach) throw personNotFound(p.personId);
  return reach;
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
    if (!p) throw personNotFound(personId);
    return { p, reach: assertMayRead(actor, p) };
  };

  r.get('/v1/persons/:id', { onRequest, schema: { params: z.object({ id: RecordId }), querystring: MinPosition, summary: 'A registered professional (ID number masked)' } }, async (req) => {
    await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
    const { p, reach } = load(req.principal!, req.params.id);
    if (reach.kind === 'former') {
      // As the record stood the day the person left this actor: where they went is not this actor's.
      const left = p.transfers[reach.before.length]!;
      return {
        personId: p.personId,
        name: p.name,
        idNumberMasked: p.idNumberMasked,
        jurisdiction: left.fromJurisdiction,
        employerId: left.fromEmployerId,
        ...(p.industry ? { industry: p.industry } : {}),
        registeredOn: p.registeredOn,
        titleChanges: p.titleChanges.filter((c) => c.effectiveOn < reach.leftOn),
        transfers: reach.before,
        leftScopeOn: reach.leftOn,
      };
    }
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
    const { reach } = load(req.principal!, req.params.id);
    const years = deps.read.models.personYears(req.params.id).filter((y) => reach.kind === 'all' || reach.holds(y));
    return {
      personId: req.params.id,
      years: years.map((y) => ({
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
      const { reach } = load(req.principal!, req.params.id);
      const y = deps.read.models.personYear(req.params.id, req.params.year);
      if (!y || (reach.kind === 'former' && !reach.holds(y))) throw new ApiError('NOT_FOUND', `no record of ${req.params.id} for ${req.params.year}`);
      return { ...y.evaluation, employerId: y.employerId, certificate: y.certificate ?? null, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}
