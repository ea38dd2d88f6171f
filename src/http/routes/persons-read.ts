import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DirectoryEntry } from '../../../projections/person-directory.js';
import { personDirectoryProjection } from '../../../projections/person-directory.js';
import { Jurisdiction, RecordId, TitleLevel, Year } from '../../../schemas/common.js';
import { ErrorResponse } from '../../../schemas/responses.js';
import { CreditView, DirectoryEntryView } from '../../../schemas/views.js';
import { hashIdNumber } from '../../security/id-number.js';
import { streams } from '../../domain/streams.js';
import { StreamNotFound } from '../../store/errors.js';
import type { EventStore } from '../../store/port.js';
import { listQuery, pageSchema, sendList } from '../lists.js';
import { notFound, readReach } from '../../domain/authorize.js';
import type { ReadReach } from '../../domain/authorize.js';
import type { PersonRecord } from '../../../projections/person.js';
import type { Principal } from '../../security/principal.js';
import type { Outcome } from '../../domain/result.js';
import type { ReadSide } from '../../runner/read-side.js';
import type { Authenticate } from '../auth.js';
import { ApiError, refusalError } from '../errors.js';

export const MinPosition = z.object({ minPosition: z.string().regex(/^\d{1,20}$/).optional() });

/** Read-your-writes: a query may name the position its write returned and wait (bounded) for it. */
export async function awaitPosition(read: ReadSide, minPosition: string | undefined, waitMs: number): Promise<void> {
  if (minPosition === undefined) return;
  const reached = await read.runner.waitForPosition(BigInt(minPosition), waitMs);
  if (!reached) throw new ApiError('TIMEOUT', `the read side has not reached position ${minPosition} yet`, { position: read.runner.position.toString() });
}

/**
 * For a write whose effect readers must see on their next look (a revocation): the outcome, once
 * the read side has folded it or `waitMs` has passed. The fact is recorded either way; past the wait
 * a reader still gets it with `?minPosition=`.
 */
export async function onceVisible<O extends Outcome>(read: ReadSide, waitMs: number, outcome: O): Promise<O> {
  if (outcome.ok) await read.runner.waitForPosition(outcome.position, waitMs);
  return outcome;
}

export const personNotFound = (personId: string) => refusalError(notFound.person(personId));

/** The reach of an actor who may read something of the person; not found otherwise (the same answer as for no such person, authorize.ts). */
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

/** Who may search the directory, and within what: a bureau its jurisdiction, an auditor all. */
function directoryScope(actor: Principal, asked: string | undefined): { jurisdiction?: string } {
  if (actor.role !== 'bureau') return asked ? { jurisdiction: asked } : {};
  if (asked !== undefined && asked !== actor.jurisdiction) throw new ApiError('FORBIDDEN', 'a bureau searches its own jurisdiction');
  return { jurisdiction: actor.jurisdiction! };
}

const DIRECTORY_CSV = {
  filename: 'persons',
  columns: [
    ['personId', (e: DirectoryEntry) => e.personId],
    ['name', (e: DirectoryEntry) => e.name],
    ['idNumberMasked', (e: DirectoryEntry) => e.idNumberMasked],
    ['jurisdiction', (e: DirectoryEntry) => e.jurisdiction],
    ['employerId', (e: DirectoryEntry) => e.employerId],
    ['titleLevel', (e: DirectoryEntry) => e.titleLevel],
    ['registeredOn', (e: DirectoryEntry) => e.registeredOn],
  ],
} as const;

/** Finding persons: by name and filters in the URL; by ID number only in a body, so the number never sits in a URL. */
export function personDirectoryRoutes(app: FastifyInstance, deps: ReadDeps & { idPepper: Buffer; store: EventStore }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['bureau', 'auditor']);
  const directory = () => deps.read.projector.queries(personDirectoryProjection);
  r.get(
    '/v1/persons',
    {
      onRequest,
      schema: {
        summary: 'Registered persons by name (from its start), employer or title level',
        description: 'A bureau searches its jurisdiction, an auditor all. To find a person by ID number, POST /v1/persons/search.',
        querystring: listQuery(2).extend({
          name: z.string().trim().min(1).max(100).optional(),
          employerId: RecordId.optional(),
          titleLevel: TitleLevel.optional(),
          jurisdiction: Jurisdiction.optional(),
        }),
        response: { 200: pageSchema(DirectoryEntryView), 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const filter = {
        ...directoryScope(req.principal!, q.jurisdiction),
        ...(q.name ? { name: q.name } : {}),
        ...(q.employerId ? { employerId: q.employerId } : {}),
        ...(q.titleLevel ? { titleLevel: q.titleLevel } : {}),
      };
      await awaitPosition(deps.read, q.minPosition, deps.waitMs);
      return sendList(reply, q, (limit, after) => deps.read.lists.page('persons', { filter }, limit, after), DIRECTORY_CSV, deps.read.runner.position);
    },
  );
  r.post(
    '/v1/persons/search',
    {
      onRequest,
      schema: {
        summary: 'Find a person by ID number (matched by its keyed hash; the number is never stored)',
        body: z.strictObject({ idNumber: z.string().min(15).max(18), jurisdiction: Jurisdiction.optional() }),
        response: { 200: z.object({ items: z.array(DirectoryEntryView), asOfPosition: z.string() }), 403: ErrorResponse },
      },
    },
    async (req) => {
      const idNumberHash = hashIdNumber(deps.idPepper, req.body.idNumber);
      // The number's reservation names its person; the hash kept in the directory confirms it.
      const reserved = await deps.store.readStream(streams.idNumber(idNumberHash)).catch((err: unknown) => {
        if (err instanceof StreamNotFound) return [];
        throw err;
      });
      const personIds = [...new Set(reserved.map((e) => String(e.data.personId)))];
      const filter = { ...directoryScope(req.principal!, req.body.jurisdiction), idNumberHash, personIds };
      return { items: directory().search(filter, 10).items, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}

export function personReadRoutes(app: FastifyInstance, deps: ReadDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = deps.authenticate(['professional', 'employer', 'bureau', 'auditor']);
  const load = async (actor: Principal, personId: string) => {
    const p = await deps.read.models.person(personId);
    if (!p) throw personNotFound(personId);
    return { p, reach: assertMayRead(actor, p) };
  };
  /** The record and its years from one fold, once the actor is known to reach the person. */
  const loadWithYears = async (actor: Principal, personId: string, year?: number) => {
    const seen: { reach?: NonNullable<ReadReach> } = {};
    const found = await deps.read.models.personWithYears(personId, year, (record) => {
      const reach = (seen.reach = assertMayRead(actor, record));
      return reach.kind === 'all' ? undefined : reach.holds;
    });
    if (!found || !seen.reach) throw personNotFound(personId);
    return { p: found.record, reach: seen.reach, years: found.years };
  };

  r.get('/v1/persons/:id', { onRequest, schema: { params: z.object({ id: RecordId }), querystring: MinPosition, summary: 'A registered professional (ID number masked)' } }, async (req) => {
    await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
    const { p, reach } = await load(req.principal!, req.params.id);
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
    const { years } = await loadWithYears(req.principal!, req.params.id);
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
    '/v1/persons/:id/credits',
    {
      onRequest,
      schema: {
        params: z.object({ id: RecordId }),
        querystring: MinPosition.extend({
          year: z.coerce.number().pipe(Year).optional(),
          status: z.enum(['counted', 'partly-counted', 'excluded', 'pending']).optional(),
        }),
        summary: "A person's credits: what each counted, the rule ids behind it, and its review chain",
        response: { 200: z.object({ personId: z.string(), credits: z.array(CreditView), asOfPosition: z.string() }) },
      },
    },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const { p, reach, years } = await loadWithYears(req.principal!, req.params.id, req.query.year);
      // A former employer or bureau sees the credits of the years it held, as for the years themselves.
      const credits = deps.read.models
        .credits(p, {
          ...(req.query.year !== undefined ? { year: req.query.year } : {}),
          ...(reach.kind === 'all' ? {} : { within: new Set(years.map((y) => y.year)) }),
          evaluated: new Map(years.map((y) => [y.year, y.evaluation])),
        })
        .filter((c) => req.query.status === undefined || c.status === req.query.status);
      return { personId: p.personId, credits, asOfPosition: deps.read.runner.position.toString() };
    },
  );

  r.get(
    '/v1/persons/:id/years/:year',
    { onRequest, schema: { params: z.object({ id: RecordId, year: z.coerce.number().pipe(Year) }), querystring: MinPosition, summary: 'Has this person met the year, and if not, why (with rule ids)' } },
    async (req) => {
      await awaitPosition(deps.read, req.query.minPosition, deps.waitMs);
      const y = (await loadWithYears(req.principal!, req.params.id, req.params.year)).years[0];
      if (!y) throw new ApiError('NOT_FOUND', `no record of ${req.params.id} for ${req.params.year}`);
      return { ...y.evaluation, employerId: y.employerId, certificate: y.certificate ?? null, asOfPosition: deps.read.runner.position.toString() };
    },
  );
}
