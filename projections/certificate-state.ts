import type { Evaluation } from '../src/rules/types.js';
import type { CertificateRecord, PersonRecord } from './person.js';

export type CertificateStatus = 'unstamped' | 'stamped' | 'revoked' | 'invalidated';

export interface CertificateView {
  certificateNumber: string;
  status: CertificateStatus;
  year: number;
  stampedOn?: string;
  authority?: string;
  revokedOn?: string;
  revocationReason?: string;
  /** Why an issued certificate no longer stands (a credit revoked behind it, hours changed). */
  invalidatedBecause?: string;
  /** The certificate re-issued in its place. */
  replacedBy?: string;
}

/**
 * A certificate's state from the person's events and the year's current evaluation: revoked wins;
 * a certificate re-issued, or resting on a credit revoked since, stays invalidated (with the number
 * that replaced it); otherwise one whose year is no longer compliant, or whose signed hours differ
 * from what the ledger now counts, is invalidated until re-issued; otherwise it is valid once stamped.
 */
export function certificateStatus(c: CertificateRecord, evaluation: Evaluation | undefined): CertificateView {
  const base = { certificateNumber: c.certificateNumber, year: c.year, ...(c.replacedBy ? { replacedBy: c.replacedBy } : {}) };
  if (c.revocation) return { ...base, status: 'revoked', revokedOn: c.revocation.revokedOn, revocationReason: c.revocation.reason };
  if (c.invalidated) return { ...base, status: 'invalidated', invalidatedBecause: c.invalidated.because };
  if (c.replacedBy) return { ...base, status: 'invalidated', invalidatedBecause: `re-issued as ${c.replacedBy}` };
  const signed = c.issued.content.hours;
  if (evaluation && !evaluation.compliant) {
    return { ...base, status: 'invalidated', invalidatedBecause: `the ${c.year} year is no longer compliant` };
  }
  if (evaluation && (evaluation.counted.total !== signed.total || evaluation.counted.public !== signed.public || evaluation.counted.professional !== signed.professional)) {
    return { ...base, status: 'invalidated', invalidatedBecause: 'the hours behind it changed since it was issued' };
  }
  const stamp = c.stamps.at(-1);
  return stamp ? { ...base, status: 'stamped', stampedOn: stamp.stampedOn, authority: stamp.authority } : { ...base, status: 'unstamped' };
}

/** The year's current certificate: the latest issued (by position). */
export function currentCertificate(p: PersonRecord, year: number): CertificateRecord | undefined {
  let latest: CertificateRecord | undefined;
  for (const c of Object.values(p.certificates)) {
    if (c.year === year && (!latest || BigInt(c.issuedAt) > BigInt(latest.issuedAt))) latest = c;
  }
  return latest;
}
