import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AccreditInstitution, RecordCreditFileEntry, WithdrawAccreditation } from '../../../schemas/commands.js';
import { RecordId } from '../../../schemas/common.js';
import { recordCreditFileEntry } from '../../domain/commands/credit-file.js';
import { accreditInstitution, withdrawAccreditation } from '../../domain/commands/institutions.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';

export function institutionRoutes(app: FastifyInstance, deps: WriteDeps) {
  writeRoute(app, deps, {
    url: '/v1/institutions',
    roles: ['bureau'],
    body: AccreditInstitution,
    summary: 'Accredit a training institution (bureau of its jurisdiction)',
    run: (ctx, body) => accreditInstitution(ctx, body),
  });
  writeRoute(app, deps, {
    url: '/v1/institutions/:id/withdrawal',
    roles: ['bureau'],
    body: WithdrawAccreditation,
    params: z.object({ id: RecordId }),
    summary: 'Withdraw an accreditation (ZZ-4)',
    run: (ctx, body, params) => withdrawAccreditation(ctx, params.id, body),
  });
  writeRoute(app, deps, {
    url: '/v1/institutions/:id/credit-file',
    roles: ['bureau'],
    body: RecordCreditFileEntry,
    params: z.object({ id: RecordId }),
    summary: "Record a finding or sanction in an institution's credit file, or one of its trainers' (ST-14, FZ-8)",
    run: (ctx, body, params) => recordCreditFileEntry(ctx, params.id, body),
  });
}
