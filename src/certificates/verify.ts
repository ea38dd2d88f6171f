import type { CertificateView } from '../../projections/certificate-state.js';
import type { CertificateRecord, PersonRecord } from '../../projections/person.js';
import { hashIdNumber, isValidIdNumber } from '../security/id-number.js';
import type { Keyring } from '../security/signing-keys.js';
import type { QrPayload } from './content.js';
import type { HolderBudget } from './holder-budget.js';

export type Verdict = 'authentic' | 'unstamped' | 'revoked' | 'invalidated' | 'holder-mismatch' | 'altered' | 'not-found';

export interface VerifyRequest {
  certificateNumber: string;
  /** The name or ID number of the person showing the certificate. */
  holder: string;
  /** The digest printed on (or scanned from) the certificate. */
  digest?: string | undefined;
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
    /** The certificate re-issued in its place. */
    replacedBy?: string;
    /** The issue event in the verifiable log: ask `/v1/log/proof/inclusion?index=…` against a checkpoint. */
    log?: { position: string; leafIndex: number };
  };
}

/**
 * What verification needs of one certificate, kept ready by the read side so that a public lookup
 * is one indexed read and no replay: the issued digest and signature, who holds it (name and keyed
 * hash of the ID number, never shown), its verdict from the ledger's state, and the public fields.
 */
export interface VerificationDoc {
  certificateNumber: string;
  holderName: string;
  idNumberHash: string;
  digest: string;
  signature: string;
  keyId: string;
  /** Position of the certificate's issue event in `$all`. */
  issuePosition?: string;
  verdict: Exclude<Verdict, 'holder-mismatch' | 'altered' | 'not-found'>;
  certificate: NonNullable<VerifyAnswer['certificate']>;
}

const normaliseName = (name: string) => name.replace(/\s+/g, '');

export function verificationDoc(record: PersonRecord, cert: CertificateRecord, status: CertificateView): VerificationDoc {
  const issued = cert.issued;
  const stamp = cert.stamps.at(-1);
  return {
    certificateNumber: cert.certificateNumber,
    holderName: normaliseName(record.name),
    idNumberHash: record.idNumberHash,
    digest: issued.digest,
    signature: issued.signature,
    keyId: issued.keyId,
    issuePosition: cert.issuedAt,
    verdict: status.status === 'revoked' ? 'revoked' : status.status === 'invalidated' ? 'invalidated' : status.status === 'unstamped' ? 'unstamped' : 'authentic',
    certificate: {
      holder: issued.content.holderMaskedName,
      year: issued.year,
      jurisdiction: issued.content.jurisdiction,
      hours: issued.content.hours,
      issuedOn: issued.issuedOn,
      ...(stamp ? { stamp: { authority: stamp.authority, stampedOn: stamp.stampedOn } } : {}),
      ...(cert.revocation ? { revocation: { reason: cert.revocation.reason, revokedOn: cert.revocation.revokedOn } } : {}),
      ...(status.invalidatedBecause ? { invalidatedBecause: status.invalidatedBecause } : {}),
      ...(status.replacedBy ? { replacedBy: status.replacedBy } : {}),
    },
  };
}

/** Whether the person showing it is the holder: by keyed hash of a full ID number, by name otherwise. */
function isHolder(doc: VerificationDoc, holder: string, pepper: Buffer): boolean {
  const h = holder.trim();
  if (h.length === 18 && isValidIdNumber(h)) return hashIdNumber(pepper, h) === doc.idNumberHash;
  return normaliseName(h) === doc.holderName;
}

/** A verifier who scanned a QR payload we signed, or typed the digest printed on the certificate, holds it. */
function showsPossession(req: VerifyRequest, doc: VerificationDoc): boolean {
  return req.qr !== undefined || req.digest === doc.digest;
}

const NO_CERTIFICATE = (certificateNumber: string): VerifyAnswer => ({ verdict: 'not-found', certificateNumber });

/**
 * The verdict, in order: a QR signature that does not match what was issued means the certificate
 * was altered (checked first, as a phone would offline); then, if the number is not held by the
 * person showing it, `not-found`, the same answer whether the number exists or not, so typing
 * numbers reveals none; only a verifier who shows possession (a signed QR payload, or the printed
 * digest) learns `holder-mismatch` (lent or transferred; nothing of the real holder is shown); then
 * the ledger's state: revoked, invalidated, unstamped, or authentic.
 */
export function verifyCertificate(req: VerifyRequest, doc: VerificationDoc | undefined, keyring: Keyring, pepper: Buffer): VerifyAnswer {
  const no = req.certificateNumber;
  if (req.qr && !keyring.verify(req.qr.digest, req.qr.signature, req.qr.keyId)) return { verdict: 'altered', certificateNumber: no };
  if (!doc) return NO_CERTIFICATE(no);
  if (req.qr && (req.qr.digest !== doc.digest || req.qr.signature !== doc.signature || req.qr.keyId !== doc.keyId)) return { verdict: 'altered', certificateNumber: no };
  if (!isHolder(doc, req.holder, pepper)) return showsPossession(req, doc) ? { verdict: 'holder-mismatch', certificateNumber: no } : NO_CERTIFICATE(no);
  if (req.digest !== undefined && req.digest !== doc.digest) return NO_CERTIFICATE(no);
  return { verdict: doc.verdict, certificateNumber: no, certificate: doc.certificate };
}

export type BudgetedAnswer = { ok: true; answer: VerifyAnswer } | { ok: false; retryAfterSeconds: number };

/**
 * `verifyCertificate` within the failure budget of the certificate number (`HolderBudget`): a
 * number in back-off answers nothing; a failed holder check counts. Verifiers who show possession
 * have a budget of their own, so someone typing guesses at a number does not lock out the people
 * scanning the real certificate.
 */
export function verifyWithinBudget(req: VerifyRequest, doc: VerificationDoc | undefined, keyring: Keyring, pepper: Buffer, budget: HolderBudget, now: number): BudgetedAnswer {
  const answer = verifyCertificate(req, doc, keyring, pepper);
  if (answer.verdict === 'altered') return { ok: true, answer };
  const key = doc !== undefined && showsPossession(req, doc) ? `${req.certificateNumber}#held` : req.certificateNumber;
  const wait = budget.retryAfter(key, now);
  if (wait > 0) return { ok: false, retryAfterSeconds: wait };
  if (answer.verdict === 'not-found' || answer.verdict === 'holder-mismatch') budget.fail(key, now);
  return { ok: true, answer };
}
