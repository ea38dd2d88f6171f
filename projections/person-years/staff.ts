import type { Evaluation } from '../../src/rules/types.js';
import type { PersonRecord } from '../person.js';

/** A line of an employer's staff list: what an HR office prints. */
export interface StaffMember {
  personId: string;
  name: string;
  jurisdiction: string;
  titleLevel: string;
  compliant: boolean;
  counted: { public: number; professional: number; elective: number; total: number };
  required: { total: number; floors: Record<string, number>; ruleIds: string[] };
  shortfall: { public: number; professional: number; elective: number; total: number };
  certificate: { certificateNumber: string; status: string } | null;
}

/**
 * The line as JSON text, kept with the person-year: a page of the list is then its rows' text
 * joined, with no record read and nothing encoded per request.
 */
export function staffMemberJson(record: PersonRecord, evaluation: Evaluation, certificate: { certificateNumber: string; status: string } | undefined): string {
  const n = evaluation.counted;
  const short = evaluation.shortfall;
  const line: StaffMember = {
    personId: record.personId,
    name: record.name,
    jurisdiction: evaluation.jurisdiction,
    titleLevel: evaluation.titleLevel,
    compliant: evaluation.compliant,
    counted: { public: n.public, professional: n.professional, elective: n.elective, total: n.total },
    required: { total: evaluation.required.total, floors: evaluation.required.floors, ruleIds: evaluation.required.ruleIds },
    shortfall: { public: short.public, professional: short.professional, elective: short.elective, total: short.total },
    certificate: certificate ?? null,
  };
  return JSON.stringify(line);
}
