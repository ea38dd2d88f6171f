import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChangeTitle, ConsentOnlineStudy, ExcuseMissedYear, RegisterPerson, SignAssessment, TransferPerson } from '../../../schemas/commands.js';
import { RecordId, Year } from '../../../schemas/common.js';
import { registerPerson, signAssessment, transferPerson } from '../../domain/commands/persons.js';
import { changeTitle, excuseMissedYear } from '../../eligibility/commands.js';
import { consentOnlineStudy } from '../../domain/commands/online-consent.js';
import { writeRoute } from '../write-route.js';
import type { WriteDeps } from '../write-route.js';

export function personWriteRoutes(app: FastifyInstance, deps: WriteDeps & { idPepper: Buffer }) {
  const params = z.object({ id: RecordId });
  writeRoute(app, deps, {
    url: '/v1/persons',
    roles: ['bureau', 'employer'],
    body: RegisterPerson,
    summary: 'Register a professional; the ID number is kept only as a keyed hash and a masked form',
    run: (ctx, body) => registerPerson(ctx, body, deps.idPepper),
  });
  writeRoute(app, deps, {
    url: '/v1/persons/:id/title',
    roles: ['bureau', 'employer'],
    body: ChangeTitle,
    params,
    summary: "Change a person's title level; a promotion passes the jurisdiction's gate (ZZ-8, SZ-8, FZ-7) or the bureau's override",
    run: (ctx, body, p) => changeTitle(ctx, p.id, body),
  });
  writeRoute(app, deps, {
    url: '/v1/persons/:id/transfer',
    roles: ['bureau', 'employer'],
    body: TransferPerson,
    params,
    summary: 'Transfer a person to another jurisdiction or employer',
    run: (ctx, body, p) => transferPerson(ctx, p.id, body),
  });
  writeRoute(app, deps, {
    url: '/v1/persons/:id/years/:year/assessment',
    roles: ['employer'],
    body: SignAssessment,
    params: z.object({ id: RecordId, year: z.coerce.number().pipe(Year) }),
    summary: "Sign the employer's yearly assessment (SC-8)",
    run: (ctx, body, p) => signAssessment(ctx, p.id, p.year, body),
  });
  writeRoute(app, deps, {
    url: '/v1/persons/:id/years/:year/excuse',
    roles: ['bureau'],
    body: ExcuseMissedYear,
    params: z.object({ id: RecordId, year: z.coerce.number().pipe(Year) }),
    summary: 'Record a good reason for a missed year (SC-9: it then does not bar "excellent")',
    run: (ctx, body, p) => excuseMissedYear(ctx, p.id, p.year, body),
  });
  writeRoute(app, deps, {
    url: '/v1/persons/:id/online-consent',
    roles: ['bureau'],
    body: ConsentOnlineStudy,
    params,
    summary: "Consent beforehand to online public hours for a person working away (ST-8); online public hours count only from that day",
    run: (ctx, body, p) => consentOnlineStudy(ctx, p.id, body),
  });
}
