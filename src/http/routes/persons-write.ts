import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ChangeTitle, RegisterPerson, SignAssessment, TransferPerson } from '../../../schemas/commands.js';
import { RecordId, Year } from '../../../schemas/common.js';
import { changeTitle, registerPerson, signAssessment, transferPerson } from '../../domain/commands/persons.js';
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
    summary: "Change a person's title level",
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
}
