import type { PersonRecord } from '../../projections/person.js';
import { holderInYear } from '../../projections/person-year-facts.js';
import type { Jurisdiction, Role } from '../../schemas/common.js';
import type { Principal } from '../security/principal.js';
import { reject } from './result.js';
import type { Rejection } from './result.js';

/*
 * Who may know of a record, and who may act on it: one rule for reads and writes.
 *
 * 1. A role that may never do the action (an auditor writing, a professional recording a
 *    completion) is refused with FORBIDDEN before anything is loaded: that says nothing about any
 *    record.
 * 2. A caller who may not know the record (another bureau's person, another institution's course)
 *    is answered exactly as for a record that does not exist: NOT_FOUND with the same message, before
 *    any other check (If-Match included), so trying ids tells nobody what is there.
 * 3. A caller who may know the record but not do this to it (a former employer transferring the
 *    person it no longer employs) is refused with FORBIDDEN: it learns nothing it could not read.
 */

type Refusal = { ok: false; rejection: Rejection };

/** What a command acts on, as far as scope is concerned. */
export interface Scope {
  jurisdiction?: Jurisdiction;
  institutionId?: string;
  employerId?: string;
  personId?: string;
}

/**
 * A bureau acts only in its jurisdiction, an institution only for itself, an employer only for its
 * staff, a professional only for self; auditors never write.
 */
export function inScope(actor: Principal, scope: Scope): boolean {
  switch (actor.role) {
    case 'bureau':
      return scope.jurisdiction !== undefined && actor.jurisdiction === scope.jurisdiction;
    case 'institution':
      return scope.institutionId !== undefined && actor.sub === scope.institutionId;
    case 'employer':
      return scope.employerId !== undefined && actor.sub === scope.employerId;
    case 'professional':
      return scope.personId !== undefined && actor.sub === scope.personId;
    default:
      return false;
  }
}

/** Rule 1: a role that may never do this. */
export function checkRole(actor: Principal, roles: readonly Role[]): Refusal | undefined {
  return roles.includes(actor.role) ? undefined : reject('FORBIDDEN', `role ${actor.role} may not do this`);
}

/** Rules 1 and 3, for a record the caller may know (or one the command itself names, such as a new registration's jurisdiction). */
export function checkScope(actor: Principal, roles: readonly Role[], scope: Scope): Refusal | undefined {
  return checkRole(actor, roles) ?? (inScope(actor, scope) ? undefined : reject('FORBIDDEN', `outside the ${actor.role}'s scope`));
}

/** Rule 2's one answer, by kind of record: the same words whether the record is missing or hidden. */
export const notFound = {
  person: (id: string) => reject('NOT_FOUND', `person ${id} not found`),
  credit: (id: string) => reject('NOT_FOUND', `credit ${id} not found`),
  course: (id: string) => reject('NOT_FOUND', `course ${id} not found`),
  institution: (id: string) => reject('NOT_FOUND', `institution ${id} not found`),
  certificate: (no: string) => reject('NOT_FOUND', `certificate ${no} not found`),
};

/** Who may know of a course or an institution: the bureau of its jurisdiction, the institution itself, auditors. */
export function mayKnow(actor: Principal, record: { jurisdiction?: string | undefined; institutionId?: string | undefined }): boolean {
  return actor.role === 'auditor' || inScope(actor, { jurisdiction: record.jurisdiction as Jurisdiction | undefined, institutionId: record.institutionId });
}

/** Where a person-year (or the person) stood: which jurisdiction and employer held it. */
export interface Holder {
  jurisdiction: string;
  employerId: string;
}

/**
 * How far an actor may know a person. The owner, the current employer, the bureau of the current
 * jurisdiction and auditors know everything. After a transfer, the former employer and the former
 * bureau know only the years they held the person (a year is held by the jurisdiction and employer
 * it is recorded under) and the record as it stood when the person left them: not the new employer,
 * not the years that follow. Anyone else knows nothing (rule 2).
 */
export type ReadReach = { kind: 'all' } | { kind: 'former'; holds: (h: Holder) => boolean; leftOn: string; before: PersonRecord['transfers'] } | undefined;

export function readReach(actor: Principal, p: PersonRecord): ReadReach {
  if (actor.role === 'auditor' || inScope(actor, { jurisdiction: p.jurisdiction, employerId: p.employerId, personId: p.personId })) return { kind: 'all' };
  const lastOut = p.transfers.findLastIndex((t) => inScope(actor, { jurisdiction: t.fromJurisdiction, employerId: t.fromEmployerId }));
  if (lastOut < 0) return undefined;
  const holds = (h: Holder) => inScope(actor, { jurisdiction: h.jurisdiction as Jurisdiction, employerId: h.employerId });
  return { kind: 'former', holds, leftOn: p.transfers[lastOut]!.effectiveOn, before: p.transfers.slice(0, lastOut) };
}

/** Who held a person's year: the jurisdiction and employer in force at its end. */
export function yearHolder(p: PersonRecord, year: number): Holder {
  return holderInYear(p, year);
}

/** Rule 2 for a person: undefined when the actor may know of them, the not-found answer otherwise. */
export function hiddenPerson(actor: Principal, p: PersonRecord | undefined, personId: string): Refusal | undefined {
  return p && readReach(actor, p) ? undefined : notFound.person(personId);
}

/** Whether the actor may know a fact of `year` of person `p` (rule 2), for facts with their own ids. */
export function knowsYear(actor: Principal, p: PersonRecord, year: number): boolean {
  const reach = readReach(actor, p);
  return reach !== undefined && (reach.kind === 'all' || reach.holds(yearHolder(p, year)));
}
