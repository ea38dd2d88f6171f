import type { FastifyInstance } from 'fastify';
import { RecordIndustryRuleSet } from '../../../schemas/commands.js';
import { recordIndustryRuleSet } from '../../domain/commands/industry-rules.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';

export function industryRuleRoutes(app: FastifyInstance, deps: WriteDeps) {
  writeRoute(app, deps, {
    url: '/v1/industry-rules',
    roles: ['bureau'],
    body: RecordIndustryRuleSet,
    summary: "Record an industry's rule set (hours and floors, credit table) for the bureau's jurisdiction, from a date (SZ-3, SC-1, SC-7, FZ-3)",
    run: (ctx, body) => recordIndustryRuleSet(ctx, body),
  });
}
