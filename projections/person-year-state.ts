import { evaluate } from '../src/rules/evaluate.js';
import type { RuleOptions } from '../src/rules/rule-set.js';
import type { Evaluation } from '../src/rules/types.js';
import { certificateStatus, currentCertificate } from './certificate-state.js';
import type { CertificateView } from './certificate-state.js';
import type { CertificateRecord, PersonRecord } from './person.js';
import { personYearFacts } from './person-year-facts.js';
import type { Registry } from './registry.js';

export interface PersonYearState {
  evaluation: Evaluation;
  /** The year's current certificate and its state against this evaluation. */
  current?: { record: CertificateRecord; view: CertificateView };
}

/** A person-year as the rules judge it now: the evaluation with its explanation, and the current certificate's state. */
export function personYearState(record: PersonRecord, registry: Registry, year: number, rules?: RuleOptions): PersonYearState {
  const evaluation = evaluate(personYearFacts(record, registry, year), rules);
  const cert = currentCertificate(record, year);
  return cert ? { evaluation, current: { record: cert, view: certificateStatus(cert, evaluation) } } : { evaluation };
}
