import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RecordId } from '../../../schemas/common.js';
import { parseAsOf, personHistory } from '../../certificates/audit.js';
import type { RuleOptions } from '../../rules/rule-set.js';
import type { EventStore } from '../../store/port.js';
import { fullCheck } from '../../tlog/head-check.js';
import type { TransparencyLog } from '../../tlog/log.js';
import type { Authenticate } from '../auth.js';
import { ApiError } from '../errors.js';

export function auditRoutes(app: FastifyInstance, deps: { store: EventStore; authenticate: Authenticate; rules?: RuleOptions; log?: TransparencyLog }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/v1/audit/persons/:id/history',
    {
      onRequest: deps.authenticate(['auditor', 'bureau']),
      schema: {
        summary: "A person's events with actors and hashes, and the years and certificates as they stood as of a date or position",
        params: z.object({ id: RecordId }),
        querystring: z.object({ asOf: z.string().max(20).optional() }),
      },
    },
    async (req) => {
      const asOf = parseAsOf(req.query.asOf);
      if (!asOf) throw new ApiError('VALIDATION_FAILED', 'asOf is a date YYYY-MM-DD or a position', [{ path: 'querystring.asOf', message: 'invalid' }]);
      const history = await personHistory(deps.store, req.params.id, asOf, deps.rules);
      // A bureau audits persons who had a year (or were registered) in its jurisdiction; for anyone
      // else the answer is the one for no such person, so the route tells nobody who is registered.
      const hidden = new ApiError('NOT_FOUND', `no events for person ${req.params.id}${req.query.asOf ? ` as of ${req.query.asOf}` : ''}`);
      if (!history) throw hidden;
      const actor = req.principal!;
      const jurisdictions = new Set(history.state.years.map((y) => y.jurisdiction));
      const registered = history.events.find((e) => e.type === 'PersonRegistered')?.data.jurisdiction;
      if (typeof registered === 'string') jurisdictions.add(registered);
      if (actor.role === 'bureau' && !jurisdictions.has(actor.jurisdiction!)) throw hidden;
      return history;
    },
  );
  r.get(
    '/v1/audit/integrity',
    { onRequest: deps.authenticate(['auditor']), schema: { summary: "Re-check every hash chain and every event against the log's signed head; the first broken link" } },
    async () => {
      const v = await deps.store.verifyAll();
      const chains = v.ok
        ? { ok: true, streams: v.streams, events: v.events }
        : { ok: false, streams: v.streams, events: v.events, broken: { streamId: v.broken.streamId, revision: v.broken.revision.toString(), position: v.broken.position.toString(), reason: v.broken.reason } };
      if (!deps.log) return chains;
      const log = await fullCheck(deps.store, deps.log);
      return { ...chains, ok: chains.ok && log.ok, log };
    },
  );
}
