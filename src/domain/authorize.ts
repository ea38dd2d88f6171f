import type { Jurisdiction, Role } from '../../schemas/common.js';
import type { Principal } from '../security/principal.js';
import { reject } from './result.js';
import type { Rejection } from './result.js';

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

export function checkScope(actor: Principal, roles: readonly Role[], scope: Scope): { ok: false; rejection: Rejection } | undefined {
  if (!roles.includes(actor.role)) return reject('FORBIDDEN', `role ${actor.role} may not do this`);
  if (!inScope(actor, scope)) return reject('FORBIDDEN', `outside the ${actor.role}'s scope`);
  return undefined;
}
