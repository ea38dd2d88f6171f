import { verificationDoc } from '../../src/certificates/verify.js';
import type { RuleOptions } from '../../src/rules/rule-set.js';
import type { Evaluation } from '../../src/rules/types.js';
import { certificateStatus } from '../certificate-state.js';
import { addRow } from '../define.js';
import type { ProjectionWrites } from '../define.js';
import type { PersonRecord } from '../person.js';
import { employerInYear } from '../person-year-facts.js';
import { personYearState } from '../person-year-state.js';
import type { Registry } from '../registry.js';
import { staffMemberJson } from './staff.js';

/** Credits of the year that wait for a bureau's decision (a bureau clerk's worklist counts them). */
export function awaitingBureau(evaluation: Evaluation): string[] {
  const ids: string[] = [];
  for (const c of evaluation.credits) {
    if (c.status === 'pending' && c.reasons.some((r) => r.effect === 'pending' && r.awaiting === 'bureau')) ids.push(c.creditId);
  }
  return ids;
}

/** Evaluates a person's years against the registry into the rows the read models keep of them. */
export function writeYears(w: ProjectionWrites, record: PersonRecord, years: Iterable<number>, registry: Registry, rules: RuleOptions): void {
  for (const year of years) {
    const { evaluation, current } = personYearState(record, registry, year, rules);
    for (const c of Object.values(record.certificates)) {
      if (c.year !== year) continue;
      addRow(w, 'certificate', [c.certificateNumber, record.personId, year]);
      const view = c === current?.record ? current.view : certificateStatus(c, evaluation);
      addRow(w, 'verification', [c.certificateNumber, JSON.stringify(verificationDoc(record, c, view))]);
    }
    const n = evaluation.counted;
    const certificate = current ? { certificateNumber: current.record.certificateNumber, status: current.view.status } : undefined;
    addRow(w, 'year', [
      record.personId,
      year,
      evaluation.jurisdiction,
      employerInYear(record, year),
      evaluation.titleLevel,
      evaluation.compliant ? 1 : 0,
      n.public,
      n.professional,
      n.elective,
      n.total,
      certificate?.certificateNumber ?? null,
      certificate?.status ?? null,
      awaitingBureau(evaluation).length,
    ]);
    addRow(w, 'staff', [employerInYear(record, year), year, record.personId, evaluation.jurisdiction, evaluation.compliant ? 1 : 0, staffMemberJson(record, evaluation, certificate)]);
  }
}
