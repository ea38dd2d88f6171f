import type { z } from 'zod';
import type { RegisterPerson, SignAssessment, TransferPerson } from '../../../schemas/commands.js';
import { isValidIdNumber, protectIdNumber } from '../../security/id-number.js';
import { beijingDate } from '../../time/clock.js';
import { checkRole, checkScope, hiddenPerson } from '../authorize.js';
import { execute, load } from '../handle.js';
import type { CommandContext, Draft, Evolve } from '../handle.js';
import { accept, reject } from '../result.js';
import type { Decision } from '../result.js';
import { evolvePerson, initialPerson } from '../state/person.js';
import type { PersonState } from '../state/person.js';
import { streams } from '../streams.js';

interface Reservation {
  personId?: string;
  /** When the store accepted the reservation. */
  at?: string;
}

const evolveReservation: Evolve<Reservation> = (s, e, recorded) => (e.type === 'IdNumberReserved' ? { personId: e.data.personId, at: recorded.recordedAt } : s);

/**
 * How long a reservation whose person was never registered (the process died between the two
 * appends) holds the number for anyone but that person. A request runs its two appends within
 * milliseconds of each other, so one this old is not still in flight.
 */
export const UNCLAIMED_RESERVATION_MS = 10 * 60_000;

/**
 * Whether another person's reservation still holds the number: it does once that person is
 * registered with it, and for a while before (a registration in flight). A reservation whose person
 * was registered with another number (the loser of a race), or that stayed unclaimed past
 * UNCLAIMED_RESERVATION_MS (a crash), no longer does.
 */
export function reservationStands(holder: PersonState, idNumberHash: string, reservedAt: string | undefined, now: Date): boolean {
  if (holder.exists) return holder.idNumberHash === idNumberHash;
  return reservedAt === undefined || now.getTime() - Date.parse(reservedAt) < UNCLAIMED_RESERVATION_MS;
}

/**
 * Registration is two appends, each to one stream with an exact expected revision, so that it is
 * the same on every store (EventStoreDB has no transaction across streams): the ID number's
 * reservation (`idnumber-{hash}`: one person per number), then the person. Everything that can
 * refuse the person is checked before the reservation, so a refused registration appends nothing.
 * A crash between the two leaves a reservation for this person, which the next attempt for the same
 * person completes; nobody else is blocked by it for longer than UNCLAIMED_RESERVATION_MS.
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
  const already = await load(ctx.store, streams.person(cmd.personId), initialPerson, evolvePerson);
  if (already.state.exists) return reject('CONFLICT', `person ${cmd.personId} is already registered`);
  const reserved = await execute<Reservation, object, PersonState | undefined>(ctx, {
    streamId: streams.idNumber(id.hash),
    initial: (): Reservation => ({}),
    evolve: evolveReservation,
    // The person who holds the number now, loaded before deciding.
    prepare: async ({ state }) =>
      state.personId && state.personId !== cmd.personId ? (await load(ctx.store, streams.person(state.personId), initialPerson, evolvePerson)).state : undefined,
    decide: ({ state }, holder) => {
      if (state.personId === cmd.personId) return accept();
      if (holder && reservationStands(holder, id.hash, state.at, ctx.clock())) return reject('CONFLICT', 'this ID number is already registered to another person');
      return accept({ type: 'IdNumberReserved', data: { idNumberHash: id.hash, personId: cmd.personId }, key: state.at ? `${cmd.personId}@${state.at}` : cmd.personId });
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
 * current employer, or the person, as `roles` allow. Someone who may not know of the person is
 * answered as for no such person (authorize.ts).
 */
async function onPerson(ctx: CommandContext, personId: string, roles: ('bureau' | 'employer' | 'professional')[], decide: (state: PersonState) => Decision<Draft>) {
  const denied = checkRole(ctx.actor, roles);
  if (denied) return denied;
  return execute(ctx, {
    streamId: streams.person(personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => hiddenPerson(ctx.actor, state.record, personId),
    decide: ({ state }) => checkScope(ctx.actor, roles, { jurisdiction: state.jurisdiction, employerId: state.employerId, personId: state.personId }) ?? decide(state),
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
