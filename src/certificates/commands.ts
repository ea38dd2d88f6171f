import type { z } from 'zod';
import { currentCertificate, certificateStatus } from '../../projections/certificate-state.js';
import { foldPerson } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { personYearFacts } from '../../projections/person-year-facts.js';
import type { RevokeCertificate, StampCertificate } from '../../schemas/commands.js';
import type { DomainEvent } from '../../schemas/events.js';
import { checkScope } from '../domain/authorize.js';
import { execute } from '../domain/handle.js';
import type { CommandContext, Evolve } from '../domain/handle.js';
import { accept, reject } from '../domain/result.js';
import { evaluate } from '../rules/evaluate.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { Keyring } from '../security/signing-keys.js';
import { maskName } from '../security/id-number.js';
import { beijingDate } from '../time/clock.js';
import { competentLevel, stampDate } from './competence.js';
import { contentDigest, encodeQr, qrUrl } from './content.js';
import type { Content } from './content.js';
import { certificateNumber, parseCertificateNumber, sequenceStream } from './numbers.js';
import { loadRegistry } from './replay.js';

export interface CertificateDeps {
  keyring: Keyring;
  rules?: RuleOptions;
  /** The name of the issuing bureau printed in the content, by jurisdiction. */
  issuer?: (jurisdiction: string) => string;
  /** Where the verification page is reached: the QR code is its URL; without it, the older `CEL1.` payload. */
  publicBaseUrl?: string;
}

const evolveRecord: Evolve<PersonRecord | undefined> = (s, e, recorded) => foldPerson(s, e, recorded.position).record;

async function evaluateYear(ctx: CommandContext, record: PersonRecord, year: number, deps: CertificateDeps) {
  const courseIds = Object.values(record.credits).flatMap((c) => (c.source === 'completion' ? [c.courseId] : []));
  const registry = await loadRegistry(ctx.store, courseIds);
  return evaluate(personYearFacts(record, registry, year), deps.rules);
}

/** Takes the next number of a jurisdiction and year; the exact expected revision makes it unique. */
async function reserveNumber(ctx: CommandContext, jurisdiction: PersonRecord['jurisdiction'], year: number, personId: string) {
  let reserved = '';
  const outcome = await execute(ctx, {
    streamId: sequenceStream(jurisdiction, year),
    initial: () => 0,
    evolve: (n: number) => n + 1,
    decide: ({ state }) => {
      reserved = certificateNumber(jurisdiction, year, state + 1);
      return accept({ type: 'CertificateNumberReserved', data: { certificateNumber: reserved, jurisdiction, year, sequence: state + 1, personId } });
    },
  });
  return outcome.ok ? { ok: true as const, number: reserved } : outcome;
}

/**
 * ST-11 everywhere: a certificate only for a compliant year, decided from the events (not from a
 * read model that may lag); its content is signed with the bureau's current key.
 */
export async function issueCertificate(ctx: CommandContext, personId: string, year: number, deps: CertificateDeps) {
  const streamId = `person-${personId}`;
  let qr = '';
  let number = '';
  return execute(ctx, {
    streamId,
    initial: () => undefined as PersonRecord | undefined,
    evolve: evolveRecord,
    decide: async ({ state: record }) => {
      if (!record) return reject('NOT_FOUND', `person ${personId} is not registered`);
      const evaluation = await evaluateYear(ctx, record, year, deps);
      const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: evaluation.jurisdiction });
      if (denied) return denied;
      if (!evaluation.compliant) {
        return reject('RULE_VIOLATION', `the ${year} year is not compliant: no certificate`, {
          ruleId: evaluation.jurisdiction === 'shantou' ? 'ST-11' : evaluation.required.ruleIds[0]!,
          details: { shortfall: evaluation.shortfall, required: evaluation.required, counted: evaluation.counted },
        });
      }
      const current = currentCertificate(record, year);
      if (current && !current.revocation && certificateStatus(current, evaluation).status !== 'invalidated') {
        return reject('CONFLICT', `certificate ${current.certificateNumber} already stands for ${year}`, { details: { certificateNumber: current.certificateNumber } });
      }
      const reserved = await reserveNumber(ctx, evaluation.jurisdiction, year, personId);
      if (!reserved.ok) return reserved;
      number = reserved.number;
      const issuedOn = beijingDate(ctx.clock());
      const content: Content = {
        certificateNumber: number,
        holderMaskedName: maskName(record.name),
        idNumberMasked: record.idNumberMasked,
        year,
        jurisdiction: evaluation.jurisdiction,
        titleLevel: evaluation.titleLevel,
        hours: { ...evaluation.counted },
        ruleSet: `${evaluation.ruleSet.id}@${evaluation.ruleSet.version}`,
        issuer: deps.issuer?.(evaluation.jurisdiction) ?? `${evaluation.jurisdiction} human resources and social security bureau`,
        issuedOn,
      };
      const digest = contentDigest(content);
      const { signature, keyId } = deps.keyring.sign(digest);
      const payload = { certificateNumber: number, digest, signature, keyId };
      qr = deps.publicBaseUrl ? qrUrl(deps.publicBaseUrl, payload) : encodeQr(payload);
      return accept({ type: 'CertificateIssued', data: { certificateNumber: number, personId, year, content, digest, signature, keyId, issuedOn } });
    },
    result: () => ({ certificateNumber: number, qr }),
  });
}

/** Finds the person of a certificate number through its reservation (no read model involved). */
async function ownerOf(ctx: CommandContext, no: string): Promise<string | undefined> {
  const parsed = parseCertificateNumber(no);
  if (!parsed) return undefined;
  try {
    const [e] = await ctx.store.readStream(sequenceStream(parsed.jurisdiction, parsed.year), { fromRevision: BigInt(parsed.sequence - 1), maxCount: 1 });
    return e && e.data.certificateNumber === no ? String(e.data.personId) : undefined;
  } catch {
    return undefined;
  }
}

type CertificateDecision = (record: PersonRecord, cert: NonNullable<ReturnType<typeof currentCertificate>>) => Promise<ReturnType<typeof accept<DomainEvent>> | ReturnType<typeof reject>>;

async function onCertificate(ctx: CommandContext, no: string, decide: CertificateDecision) {
  const personId = await ownerOf(ctx, no);
  if (!personId) return reject('NOT_FOUND', `certificate ${no} not found`);
  return execute(ctx, {
    streamId: `person-${personId}`,
    initial: () => undefined as PersonRecord | undefined,
    evolve: evolveRecord,
    decide: async ({ state: record }) => {
      const cert = record?.certificates[no];
      if (!record || !cert) return reject('NOT_FOUND', `certificate ${no} not found`);
      return decide(record, cert);
    },
    result: () => ({ certificateNumber: no }),
  });
}

export function stampCertificate(ctx: CommandContext, no: string, cmd: z.infer<typeof StampCertificate>, deps: CertificateDeps) {
  return onCertificate(ctx, no, async (record, cert) => {
    const content = cert.issued.content;
    const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: content.jurisdiction });
    if (denied) return denied;
    if (cert.revocation) return reject('CONFLICT', `certificate ${no} was revoked on ${cert.revocation.revokedOn}`);
    if (cert.stamps.length > 0) return reject('CONFLICT', `certificate ${no} was already stamped on ${cert.stamps[0]!.stampedOn}`);
    if (cmd.stampedOn < cert.issued.issuedOn || cmd.stampedOn > beijingDate(ctx.clock())) {
      return reject('RULE_VIOLATION', `a stamp dated ${cmd.stampedOn} must fall between the issue (${cert.issued.issuedOn}) and today`);
    }
    const evaluation = await evaluateYear(ctx, record, cert.year, deps);
    if (certificateStatus(cert, evaluation).status === 'invalidated') {
      return reject('RULE_VIOLATION', `certificate ${no} no longer matches the ledger (a credit behind it changed): re-issue it`, { ruleId: 'ST-11' });
    }
    for (const check of [competentLevel(content.jurisdiction, content.titleLevel, ctx.actor.level), stampDate(content.jurisdiction, cert.year, cmd.stampedOn)]) {
      if (!check.ok) return reject('RULE_VIOLATION', check.message, { ruleId: check.ruleId });
    }
    return accept<DomainEvent>({
      type: 'CertificateStamped',
      data: { certificateNumber: no, personId: record.personId, year: cert.year, stampedOn: cmd.stampedOn, authority: cmd.authority, authorityLevel: ctx.actor.level ?? 'city' },
    });
  });
}

export function revokeCertificate(ctx: CommandContext, no: string, cmd: z.infer<typeof RevokeCertificate>) {
  return onCertificate(ctx, no, async (record, cert) => {
    const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: cert.issued.content.jurisdiction });
    if (denied) return denied;
    if (cert.revocation) return reject('CONFLICT', `certificate ${no} was already revoked on ${cert.revocation.revokedOn}`);
    return accept<DomainEvent>({
      type: 'CertificateRevoked',
      data: { certificateNumber: no, personId: record.personId, year: cert.year, reason: cmd.reason, ...(cmd.note ? { note: cmd.note } : {}), revokedOn: beijingDate(ctx.clock()) },
      key: `certificate-revocation:${no}`,
    } as DomainEvent);
  });
}
