import type { z } from 'zod';
import type { ChangeTitle, RegisterPerson, SignAssessment, TransferPerson } from '../../../schemas/commands.js';
import type { DomainEvent } from '../../../schemas/events.js';
import { isValidIdNumber, protectIdNumber } from '../../security/id-number.js';
import { beijingDate } from '../../time/clock.js';
import { checkScope } from '../authorize.js';
import { execute } from '../handle.js';
import type { CommandContext, Draft } from '../handle.js';
import { accept, reject } from '../result.js';
import type { Decision } from '../result.js';
import { evolvePerson, initialPerson } from '../state/person.js';
import type { PersonState } from '../state/person.js';
import { streams } from '../streams.js';

interface Reservation {
  personId?: string;
}

const evolveReservation = (s: Reservation, e: DomainEvent): Reservation => (e.type === 'IdNumberReserved' ? { personId: e.data.personId } : s);

/**
 * Registration reserves the ID number first (its own stream, appended with no_stream) so that one
 * person cannot be registered twice under two ids; a retry by the same personId passes through.
 */
export async function registerPerson(ctx: CommandContext, cmd: z.infer<typeof RegisterPerson>, pepper: Buffer) {
  const denied = checkScope(ctx.actor, ['bureau', 'employer'], { jurisdiction: cmd.jurisdiction, employerId: cmd.employerId });
  if (denied) return denied;
  if (!isValidIdNumber(cmd.idNumber)) {
    return reject('VALIDATION_FAILED', 'the request does not match the schema', {
      details: [{ path: 'body.idNumber', message: 'not a valid 18-character resident ID number' }],
    });
  }
  const id = protectIdNumber(pepper, cmd.idNumber);
  const reserved = await execute(ctx, {
    streamId: streams.idNumber(id.hash),
    initial: (): Reservation => ({}),
    evolve: evolveReservation,
    decide: ({ state }) => {
      if (state.personId === cmd.personId) return accept();
      if (state.personId) return reject('CONFLICT', 'this ID number is already registered to another person');
      return accept({ type: 'IdNumberReserved', data: { idNumberHash: id.hash, personId: cmd.personId }, key: cmd.personId });
    },
  });
  if (!reserved.ok) return reserved;
  return execute(ctx, {
    streamId: streams.person(cmd.personId),
    initial: initialPerson,
    evolve: evolvePerson,
    decide: ({ state }) => {
      if (state.exists) return reject('CONFLICT', `person ${cmd.personId} is already registered`);
      const { idNumber: _clear, registeredOn, ...rest } = cmd;
      return accept({
        type: 'PersonRegistered',
        data: { ...rest, idNumberHash: id.hash, idNumberMasked: id.masked, registeredOn: registeredOn ?? beijingDate(ctx.clock()) },
        key: 'registration',
      });
    },
  });
}

/**
 * Loads a registered person and lets `decide` act once the actor is in scope: the person's bureau,
 * current employer, or the person, as `roles` allow.
 */
function onPerson(ctx: CommandContext, personId: string, roles: ('bureau' | 'employer' | 'professional')[], decide: (state: PersonState) => Decision<Draft>) {
  return execute(ctx, {
    streamId: streams.person(personId),
    initial: initialPerson,
    evolve: evolvePerson,
    decide: ({ state }) => {
      if (!state.exists) return reject('NOT_FOUND', `person ${personId} is not registered`);
      const denied = checkScope(ctx.actor, roles, { jurisdiction: state.jurisdiction, employerId: state.employerId, personId: state.personId });
      return denied ?? decide(state);
    },
  });
}

export function changeTitle(ctx: CommandContext, personId: string, cmd: z.infer<typeof ChangeTitle>) {
  return onPerson(ctx, personId, ['bureau', 'employer'], (state) => {
    if (state.titleLevel === cmd.to) return reject('CONFLICT', `title is already ${cmd.to}`);
    return accept<Draft>({ type: 'PersonTitleChanged', data: { personId, from: state.titleLevel!, ...cmd } });
  });
}

export function transferPerson(ctx: CommandContext, personId: string, cmd: z.infer<typeof TransferPerson>) {
  return onPerson(ctx, personId, ['bureau', 'employer'], (state) => {
    if (state.jurisdiction === cmd.toJurisdiction && state.employerId === cmd.toEmployerId) return reject('CONFLICT', 'the person is already there');
    return accept<Draft>({ type: 'PersonTransferred', data: { personId, fromJurisdiction: state.jurisdiction!, fromEmployerId: state.employerId!, ...cmd } });
  });
}

export function signAssessment(ctx: CommandContext, personId: string, year: number, cmd: z.infer<typeof SignAssessment>) {
  return onPerson(ctx, personId, ['employer'], (state) => {
    if (state.assessedYears.has(year)) return reject('CONFLICT', `the ${year} assessment is already signed`);
    return accept<Draft>({
      type: 'AnnualAssessmentSigned',
      data: { personId, year, employerId: state.employerId!, result: cmd.result, signedOn: beijingDate(ctx.clock()) },
      key: `assessment:${year}`,
    });
  });
}
