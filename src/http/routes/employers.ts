import type { FastifyInstance } from 'fastify';
import { RegisterEmployer } from '../../../schemas/commands.js';
import { registerEmployer } from '../../domain/commands/employers.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';

export function employerRoutes(app: FastifyInstance, deps: WriteDeps) {
  writeRoute(app, deps, {
    url: '/v1/employers',
    roles: ['bureau'],
    body: RegisterEmployer,
    summary: 'Register an employer with its legal form (国家机关, 事业单位, 社会团体, 企业, other), which SC-9 depends on',
    run: (ctx, body) => registerEmployer(ctx, body),
  });
}
