import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LocalDate, RecordId, Year } from '../../../schemas/common.js';
import { assessEligibility, PURPOSES } from '../../eligibility/gates.js';
import { loadGateContext, loadPersonRecord } from '../../eligibility/load.js';
import type { EventStore } from '../../store/port.js';
import type { Clock } from '../../time/clock.js';
import { beijingDate } from '../../time/clock.js';
import type { Authenticate } from '../auth.js';
import { ApiError } from '../errors.js';
import { assertMayRead } from './persons-read.js';

export interface EligibilityDeps {
  store: EventStore;
  clock: Clock;
  authenticate: Authenticate;
}

/**
 * Whether the hours let a person be promoted, appointed or rated "excellent", judged from the events
 * (as the title change's gate judges it), so the answer never lags a stamp just given.
 */
export function eligibilityRoutes(app: FastifyInstance, deps: EligibilityDeps) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/persons/:id/eligibility',
    {
      onRequest: deps.authenticate(['professional', 'employer', 'bureau', 'auditor']),
      schema: {
        summary: 'May this person be promoted, appointed or rated "excellent": every unmet condition with its rule id, and the years looked at',
        description:
          'ZZ-8 (every year of the current title\'s term completed and stamped), SZ-4/SZ-8 (the cycle and its years), FZ-7, SC-9 (the appraisal year, by employer type and the bureau\'s recorded reason). `on` defaults to today; `year` (excellent-rating) to the year before `on`.',
        params: z.object({ id: RecordId }),
        querystring: z.object({ for: z.enum(PURPOSES), on: LocalDate.optional(), year: z.coerce.number().pipe(Year).optional() }),
      },
    },
    async (req) => {
      const record = await loadPersonRecord(deps.store, req.params.id);
      if (!record) throw new ApiError('NOT_FOUND', `person ${req.params.id} not found`);
      assertMayRead(req.principal!, record);
      const { registry, employers } = await loadGateContext(deps.store, record);
      const q = req.query;
      return assessEligibility({ record, registry, employers, for: q.for, on: q.on ?? beijingDate(deps.clock()), ...(q.year !== undefined ? { year: q.year } : {}) });
    },
  );
}
