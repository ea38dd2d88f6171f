import type { AdminLevel, Jurisdiction } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';

export interface InstitutionState {
  exists: boolean;
  institutionId?: string;
  jurisdiction?: Jurisdiction;
  level?: AdminLevel;
  accreditedOn?: string;
  withdrawnOn?: string;
}

export const initialInstitution: InstitutionState = { exists: false };

export function evolveInstitution(s: InstitutionState, e: DomainEvent): InstitutionState {
  switch (e.type) {
    case 'InstitutionAccredited':
      return {
        exists: true,
        institutionId: e.data.institutionId,
        jurisdiction: e.data.jurisdiction,
        level: e.data.level,
        accreditedOn: e.data.accreditedOn,
      };
    case 'InstitutionAccreditationWithdrawn':
      return { ...s, withdrawnOn: e.data.effectiveOn };
    default:
      return s;
  }
}

/** How many entries the institution's credit file holds (numbers the next one). */
export function countCreditFileEntries(n: number, e: DomainEvent): number {
  return e.type === 'CreditFileEntryRecorded' ? n + 1 : n;
}
