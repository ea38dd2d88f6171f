import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ClaimConversion, RecordCompletion, RecordCompletionsBatch, RecordEnrolment, ReviewCredit, RevokeCredit } from '../../../schemas/commands.js';
import { CreditId } from '../../../schemas/common.js';
import { recordCompletionsBatch } from '../../domain/commands/completion-batch.js';
import { claimConversion, recordCompletion, recordEnrolment, reviewCredit, revokeCredit } from '../../domain/commands/credits.js';
import type { ReadSide } from '../../runner/read-side.js';
import { rejectionBody, writeRoute } from '../write-route.js';
import { onceVisible } from './persons-read.js';
import type { WriteDeps } from '../write-route.js';

export function creditRoutes(app: FastifyInstance, deps: WriteDeps & { read: ReadSide; waitMs: number }) {
  const params = z.object({ creditId: CreditId });
  writeRoute(app, deps, {
    url: '/v1/enrolments',
    roles: ['institution'],
    withholdRevision: true,
    body: RecordEnrolment,
    summary: 'Record an enrolment (with its purpose, for ST-5 training windows)',
    run: (ctx, body) => recordEnrolment(ctx, body),
  });
  writeRoute(app, deps, {
    url: '/v1/completions',
    roles: ['institution'],
    withholdRevision: true,
    body: RecordCompletion,
    summary: "Record a completion of one of the institution's courses",
    run: (ctx, body) => recordCompletion(ctx, body),
  });
  writeRoute(app, deps, {
    url: '/v1/completions/batch',
    roles: ['institution'],
    body: RecordCompletionsBatch,
    summary: 'Record up to 1,000 completions; valid items are recorded, invalid ones explained',
    run: async (ctx, body) => {
      const results = await recordCompletionsBatch(ctx, body.items);
      const count = (s: string) => results.filter((r) => r.status === s).length;
      return {
        status: 200,
        body: {
          recorded: count('recorded'),
          duplicates: count('duplicate'),
          rejected: count('rejected'),
          results: results.map((r) => (r.status === 'rejected' ? { index: r.index, status: r.status, error: rejectionBody(r.error).error } : r)),
        },
      };
    },
  });
  writeRoute(app, deps, {
    url: '/v1/conversions',
    roles: ['professional', 'employer'],
    body: ClaimConversion,
    summary: 'Claim a conversion of papers, awards, self-study or credits into class hours',
    run: (ctx, body) => claimConversion(ctx, body),
  });
  writeRoute(app, deps, {
    url: '/v1/credits/:creditId/reviews',
    roles: ['employer', 'bureau'],
    body: ReviewCredit,
    params,
    summary: 'Review a credit at the employer or bureau stage (ST-7, SZ-5)',
    run: (ctx, body, p) => reviewCredit(ctx, p.creditId, body),
  });
  writeRoute(app, deps, {
    url: '/v1/credits/:creditId/revocation',
    roles: ['bureau'],
    body: RevokeCredit,
    params,
    summary: 'Revoke a credit (a compensating event; the original stays)',
    // Answered once verification shows it: a certificate standing on this credit reads `invalidated`.
    run: async (ctx, body, p) => onceVisible(deps.read, deps.waitMs, await revokeCredit(ctx, p.creditId, body)),
  });
}
