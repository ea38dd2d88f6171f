import type { CertificateView } from '../../projections/certificate-state.js';
import type { CertificateRecord, PersonRecord } from '../../projections/person.js';
import { hashIdNumber, isValidIdNumber } from '../security/id-number.js';
import type { Keyring } from '../security/signing-keys.js';
import type { QrPayload } from './content.js';

export type Verdict = 'authentic' | 'unstamped' | 'revoked' | 'invalidated' | 'holder-mismatch' | 'altered' | 'not-found';

export interface VerifyRequest {
  certificateNumber: string;
  /** The name or ID number of the person showing the certificate. */
  holder: string;
  /** The digest printed on (or scanned from) the certificate. */
  digest?: string;
  /** The QR payload, when scanned. */
  qr?: QrPayload;
}

export interface VerifyAnswer {
  verdict: Verdict;
  certificateNumber: string;
  /** What a verifier needs and no more; absent for not-found and holder-mismatch. */
  certificate?: {
    holder: string;
    year: number;
    jurisdiction: string;
    hours: { public: number; professional: number; elective: number; total: number };
    issuedOn: string;
    stamp?: { authority: string; stampedOn: string };
    revocation?: { reason: string; revokedOn: string };
    invalidatedBecause?: string;
  };
}

/** Whether the person showing it is the holder: by keyed hash for an ID number, by name otherwise. */
function isHolder(record: PersonRecord, holder: string, pepper: Buffer): boolean {
  const h = holder.trim();
  if (isValidIdNumber(h)) return hashIdNumber(pepper, h) === record.idNumberHash;
  return h.replace(/\s+/g, '') === record.name.replace(/\s+/g, '');
}

/**
 * The verdict, in order: a signature or digest that does not match what was issued means the
 * certificate was altered (checked first, as a phone would offline); someone other than the holder
 * showing it means it is lent or transferred (and reveals nothing of the real holder); then the
 * ledger's state: revoked, invalidated, unstamped, or authentic.
 */
export function verifyCertificate(
  req: VerifyRequest,
  found: { record: PersonRecord; cert: CertificateRecord; status: CertificateView } | undefined,
  keyring: Keyring,
  pepper: Buffer,
): VerifyAnswer {
  const no = req.certificateNumber;
  if (req.qr && !keyring.verify(req.qr.digest, req.qr.signature, req.qr.keyId)) return { verdict: 'altered', certificateNumber: no };
  if (!found) return { verdict: 'not-found', certificateNumber: no };
  const { record, cert, status } = found;
  const issued = cert.issued;
  const presented = req.qr?.digest ?? req.digest;
  if (presented !== undefined && presented !== issued.digest) return { verdict: 'altered', certificateNumber: no };
  if (req.qr && (req.qr.signature !== issued.signature || req.qr.keyId !== issued.keyId)) return { verdict: 'altered', certificateNumber: no };
  if (!isHolder(record, req.holder, pepper)) return { verdict: 'holder-mismatch', certificateNumber: no };
  const stamp = cert.stamps.at(-1);
  const certificate: NonNullable<VerifyAnswer['certificate']> = {
    holder: issued.content.holderMaskedName,
    year: issued.year,
    jurisdiction: issued.content.jurisdiction,
    hours: issued.content.hours,
    issuedOn: issued.issuedOn,
    ...(stamp ? { stamp: { authority: stamp.authority, stampedOn: stamp.stampedOn } } : {}),
    ...(cert.revocation ? { revocation: { reason: cert.revocation.reason, revokedOn: cert.revocation.revokedOn } } : {}),
    ...(status.invalidatedBecause ? { invalidatedBecause: status.invalidatedBecause } : {}),
  };
  const verdict: Verdict = status.status === 'revoked' ? 'revoked' : status.status === 'invalidated' ? 'invalidated' : status.status === 'unstamped' ? 'unstamped' : 'authentic';
  return { verdict, certificateNumber: no, certificate };
}
