import type { z } from 'zod';
import { currentCertificate, certificateStatus } from '../../projections/certificate-state.js';
import { foldPerson } from '../../projections/person.js';
import type { CertificateRecord, PersonRecord } from '../../projections/person.js';
import { personYearFacts } from '../../projections/person-year-facts.js';
import type { Registry } from '../../projections/registry.js';
import type { IssueCertificate, RevokeCertificate, StampCertificate } from '../../schemas/commands.js';
import type { Jurisdiction } from '../../schemas/common.js';
import { checkRole, checkScope, hiddenPerson, knowsYear, notFound } from '../domain/authorize.js';
import { execute, toNewEvent } from '../domain/handle.js';
import type { CommandContext, Draft, Evolve } from '../domain/handle.js';
import { accept, reject } from '../domain/result.js';
import type { Decision } from '../domain/result.js';
import { streams } from '../domain/streams.js';
import { StreamNotFound, WrongExpectedVersion } from '../store/errors.js';
import type { EventStore } from '../store/port.js';
import { evaluate } from '../rules/evaluate.js';
import type { Evaluation } from '../rules/types.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { Keyring } from '../security/signing-keys.js';
import { maskName } from '../security/id-number.js';
import { beijingDate } from '../time/clock.js';
import { competentLevel, stampDate, verificationPost } from './competence.js';
import { contentDigest, encodeQr, qrUrl } from './content.js';
import type { Content } from './content.js';
import { certificateNumber, parseCertificateNumber } from './numbers.js';
import { bureauDataScope, loadBureauData, loadRegistry } from './replay.js';
import { loadIndustryRules } from '../domain/commands/industry-rules.js';

export interface CertificateDeps {
  keyring: Keyring;
  rules?: RuleOptions;
  /** The name of the issuing bureau printed in the content, by jurisdiction. */
  issuer?: (jurisdiction: string) => string;
  /** Where the verification page is reached: the QR code is its URL; without it, the older `CEL1.` payload. */
  publicBaseUrl?: string;
}

const evolveRecord: Evolve<PersonRecord | undefined> = (s, e, recorded) => foldPerson(s, e, recorded.position).record;

const completedCourses = (record: PersonRecord | undefined) =>
  Object.values(record?.credits ?? {}).flatMap((c) => (c.source === 'completion' ? [c.courseId] : []));

/**
 * The courses a person's credits name and the bureaus' data their years are judged with
 * (catalogues, holiday tables, the industry's rule sets), from the events; `alsoYears` adds holiday tables a command's own
 * date needs.
 */
async function registryFor(ctx: CommandContext, record: PersonRecord | undefined, years: number[], alsoYears: number[] = []): Promise<Registry> {
  const courses = await loadRegistry(ctx.store, completedCourses(record));
  if (!record) return courses;
  const registry = await loadIndustryRules(ctx.store, courses, record);
  const scope = bureauDataScope(record, years);
  return loadBureauData(ctx.store, registry, { jurisdictions: scope.jurisdictions, years: [...scope.years, ...alsoYears] });
}

/** A flag that stops the year from being certified (SC-8), as a refusal naming its rule. */
function blockingRefusal(evaluation: Evaluation) {
  const blocking = evaluation.flags.find((f) => f.blocksCertificate);
  return blocking ? reject('RULE_VIOLATION', blocking.message, { ruleId: blocking.ruleId }) : undefined;
}

/** An issue date is a business date: today in Beijing unless given, never in the future nor before the year began. */
function issueDateRefusal(issuedOn: string, today: string, year: number) {
  const message = issuedOn > today ? `${issuedOn} is in the future (today is ${today})` : issuedOn < `${year}-01-01` ? `${issuedOn} is before the ${year} year began` : undefined;
  return message ? reject('VALIDATION_FAILED', 'the request does not match the schema', { details: [{ path: 'body.issuedOn', message }] }) : undefined;
}

/** The number a new certificate would take, and whether it still has to be reserved. */
export interface NumberToUse {
  certificateNumber: string;
  sequence: number;
  /** The sequence stream's revision to reserve at; undefined when this person-year's reservation is already there. */
  reserveAt?: bigint | 'no_stream';
}

/** How far back a reservation left unused by a lost race is looked for, to be taken again. */
const REUSE_WINDOW = 50;

/**
 * The next certificate number of a jurisdiction and year, read before deciding. A reservation that
 * this person-year made and no certificate took (its issue lost a race on the person's stream) is
 * used again, so a retry burns no number.
 */
async function nextNumber(ctx: CommandContext, record: PersonRecord, jurisdiction: Jurisdiction, year: number): Promise<NumberToUse> {
  const stream = streams.certificateSequence(jurisdiction, year);
  let tail: Awaited<ReturnType<EventStore['readStream']>> = [];
  try {
    tail = await ctx.store.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: REUSE_WINDOW });
  } catch (err) {
    if (!(err instanceof StreamNotFound)) throw err;
  }
  for (const e of tail) {
    const d = e.data as { certificateNumber: string; personId: string; sequence: number };
    if (d.personId === record.personId && !record.certificates[d.certificateNumber]) return { certificateNumber: d.certificateNumber, sequence: d.sequence };
  }
  const head = tail[0]?.revision;
  const sequence = head === undefined ? 1 : Number(head) + 2;
  return { certificateNumber: certificateNumber(jurisdiction, year, sequence), sequence, reserveAt: head ?? 'no_stream' };
}

interface IssueContext {
  registry: Registry;
  today: string;
  number?: NumberToUse;
}

/** What deciding an issue needs besides the person's record, all loaded before. */
export interface IssueInputs {
  record: PersonRecord | undefined;
  personId: string;
  year: number;
  registry: Registry;
  number: NumberToUse | undefined;
  actor: CommandContext['actor'];
  /** The business date the certificate is issued on (checked before). */
  issuedOn: string;
  deps: CertificateDeps;
}

/**
 * ST-11 everywhere: a certificate only for a compliant year, decided from the events (not from a
 * read model that may lag); its content is signed with the bureau's current key. Pure: everything
 * is loaded before.
 */
export function decideIssue(i: IssueInputs): Decision<Draft> {
  const { record, year } = i;
  if (!record) return notFound.person(i.personId);
  const evaluation = evaluate(personYearFacts(record, i.registry, year), i.deps.rules);
  const denied = checkScope(i.actor, ['bureau'], { jurisdiction: evaluation.jurisdiction });
  if (denied) return denied;
  if (!evaluation.compliant) {
    return reject('RULE_VIOLATION', `the ${year} year is not compliant: no certificate`, {
      ruleId: evaluation.jurisdiction === 'shantou' ? 'ST-11' : evaluation.required.ruleIds[0]!,
      details: { shortfall: evaluation.shortfall, required: evaluation.required, counted: evaluation.counted },
    });
  }
  const blocked = blockingRefusal(evaluation);
  if (blocked) return blocked;
  const current = currentCertificate(record, year);
  if (current && !current.revocation && certificateStatus(current, evaluation).status !== 'invalidated') {
    return reject('CONFLICT', `certificate ${current.certificateNumber} already stands for ${year}`, { details: { certificateNumber: current.certificateNumber } });
  }
  if (!i.number) throw new Error('a certificate number is loaded before deciding an issue');
  const number = i.number.certificateNumber;
  const content: Content = {
    certificateNumber: number,
    holderMaskedName: maskName(record.name),
    idNumberMasked: record.idNumberMasked,
    year,
    jurisdiction: evaluation.jurisdiction,
    titleLevel: evaluation.titleLevel,
    hours: { ...evaluation.counted },
    ruleSet: `${evaluation.ruleSet.id}@${evaluation.ruleSet.version}`,
    issuer: i.deps.issuer?.(evaluation.jurisdiction) ?? `${evaluation.jurisdiction} human resources and social security bureau`,
    issuedOn: i.issuedOn,
  };
  const digest = contentDigest(content);
  const { signature, keyId } = i.deps.keyring.sign(digest);
  return accept({ type: 'CertificateIssued', data: { certificateNumber: number, personId: record.personId, year, content, digest, signature, keyId, issuedOn: i.issuedOn } });
}

/** Issues a year certificate: loads the person, the courses and the next number, decides, reserves the number, appends. */
export async function issueCertificate(ctx: CommandContext, personId: string, year: number, deps: CertificateDeps, cmd: z.infer<typeof IssueCertificate> = {}) {
  const denied = checkRole(ctx.actor, ['bureau']);
  if (denied) return denied;
  const today = beijingDate(ctx.clock());
  const issuedOn = cmd.issuedOn ?? today;
  const badDate = issueDateRefusal(issuedOn, today, year);
  if (badDate) return badDate;
  return execute<PersonRecord | undefined, { certificateNumber: string; qr: string }, IssueContext>(ctx, {
    streamId: streams.person(personId),
    initial: () => undefined,
    evolve: evolveRecord,
    visible: ({ state: record }) => hiddenPerson(ctx.actor, record, personId),
    prepare: async ({ state: record }) => {
      const registry = await registryFor(ctx, record, [year]);
      if (!record) return { registry, today };
      const jurisdiction = personYearFacts(record, registry, year).jurisdiction;
      return { registry, today, number: await nextNumber(ctx, record, jurisdiction, year) };
    },
    decide: ({ state: record }, prepared) =>
      decideIssue({ record, personId, year, registry: prepared.registry, number: prepared.number, actor: ctx.actor, issuedOn, deps }),
    beforeAppend: async (prepared) => {
      const n = prepared.number!;
      if (n.reserveAt === undefined) return undefined;
      const parsed = parseCertificateNumber(n.certificateNumber)!;
      const reservation = toNewEvent(ctx, streams.certificateSequence(parsed.jurisdiction, parsed.year), {
        type: 'CertificateNumberReserved',
        data: { certificateNumber: n.certificateNumber, jurisdiction: parsed.jurisdiction, year: parsed.year, sequence: n.sequence, personId },
        key: `certificate-number:${n.certificateNumber}`,
      }, 0);
      try {
        await ctx.store.append(streams.certificateSequence(parsed.jurisdiction, parsed.year), [reservation], { expected: n.reserveAt });
        return undefined;
      } catch (err) {
        if (err instanceof WrongExpectedVersion) return 'retry';
        throw err;
      }
    },
    result: (_loaded, drafts) => {
      const d = drafts[0]!.data as { certificateNumber: string; digest: string; signature: string; keyId: string };
      const payload = { certificateNumber: d.certificateNumber, digest: d.digest, signature: d.signature, keyId: d.keyId };
      return { certificateNumber: d.certificateNumber, qr: deps.publicBaseUrl ? qrUrl(deps.publicBaseUrl, payload) : encodeQr(payload) };
    },
  });
}

/** Finds the person of a certificate number through its reservation (no read model involved). */
async function ownerOf(ctx: CommandContext, no: string): Promise<string | undefined> {
  const parsed = parseCertificateNumber(no);
  if (!parsed) return undefined;
  try {
    const [e] = await ctx.store.readStream(streams.certificateSequence(parsed.jurisdiction, parsed.year), { fromRevision: BigInt(parsed.sequence - 1), maxCount: 1 });
    return e && e.data.certificateNumber === no ? String(e.data.personId) : undefined;
  } catch {
    return undefined;
  }
}

/** Loaded before a decision on an issued certificate: the courses its year rests on, and today's date. */
interface Loaded {
  registry: Registry;
  today: string;
}

type CertificateDecision = (record: PersonRecord, cert: CertificateRecord, loaded: Loaded) => Decision<Draft>;

/**
 * `alsoYears`: holiday tables of years beside the certificate's that the decision needs (a stamp's
 * date). A certificate the actor may not know of is answered as one that does not exist.
 */
async function onCertificate(ctx: CommandContext, no: string, decide: CertificateDecision, alsoYears: number[] = []) {
  const denied = checkRole(ctx.actor, ['bureau']);
  if (denied) return denied;
  const personId = await ownerOf(ctx, no);
  if (!personId) return notFound.certificate(no);
  return execute<PersonRecord | undefined, { certificateNumber: string }, Loaded>(ctx, {
    streamId: streams.person(personId),
    initial: () => undefined,
    evolve: evolveRecord,
    visible: ({ state: record }) => {
      const cert = record?.certificates[no];
      return record && cert && knowsYear(ctx.actor, record, cert.year) ? undefined : notFound.certificate(no);
    },
    prepare: async ({ state: record }) => ({
      registry: await registryFor(ctx, record, record?.certificates[no] ? [record.certificates[no]!.year] : [], alsoYears),
      today: beijingDate(ctx.clock()),
    }),
    decide: ({ state: record }, loaded) => decide(record!, record!.certificates[no]!, loaded),
    result: () => ({ certificateNumber: no }),
  });
}

export function stampCertificate(ctx: CommandContext, no: string, cmd: z.infer<typeof StampCertificate>, deps: CertificateDeps) {
  const stampYear = Number(cmd.stampedOn.slice(0, 4));
  return onCertificate(
    ctx,
    no,
    (record, cert, { registry, today }) => {
      const content = cert.issued.content;
      const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: content.jurisdiction });
      if (denied) return denied;
      if (cert.revocation) return reject('CONFLICT', `certificate ${no} was revoked on ${cert.revocation.revokedOn}`);
      if (cert.stamps.length > 0) return reject('CONFLICT', `certificate ${no} was already stamped on ${cert.stamps[0]!.stampedOn}`);
      if (cmd.stampedOn < cert.issued.issuedOn || cmd.stampedOn > today) {
        return reject('RULE_VIOLATION', `a stamp dated ${cmd.stampedOn} must fall between the issue (${cert.issued.issuedOn}) and today`);
      }
      const facts = personYearFacts(record, registry, cert.year);
      const evaluation = evaluate(facts, deps.rules);
      const status = certificateStatus(cert, evaluation);
      if (status.status === 'invalidated') {
        return reject('RULE_VIOLATION', `certificate ${no} no longer stands (${status.invalidatedBecause}): re-issue it`, { ruleId: 'ST-11' });
      }
      const blocked = blockingRefusal(evaluation);
      if (blocked) return blocked;
      for (const check of [competentLevel(content.jurisdiction, verificationPost(facts), ctx.actor.level), stampDate(content.jurisdiction, cert.year, cmd.stampedOn, registry.calendar)]) {
        if (!check.ok) return reject('RULE_VIOLATION', check.message, { ruleId: check.ruleId });
      }
      return accept<Draft>({
        type: 'CertificateStamped',
        data: { certificateNumber: no, personId: record.personId, year: cert.year, stampedOn: cmd.stampedOn, authority: cmd.authority, authorityLevel: ctx.actor.level ?? 'city' },
      });
    },
    [stampYear - 1, stampYear],
  );
}

export function revokeCertificate(ctx: CommandContext, no: string, cmd: z.infer<typeof RevokeCertificate>) {
  return onCertificate(ctx, no, (record, cert, { today }) => {
    const denied = checkScope(ctx.actor, ['bureau'], { jurisdiction: cert.issued.content.jurisdiction });
    if (denied) return denied;
    if (cert.revocation) return reject('CONFLICT', `certificate ${no} was already revoked on ${cert.revocation.revokedOn}`);
    return accept<Draft>({
      type: 'CertificateRevoked',
      data: { certificateNumber: no, personId: record.personId, year: cert.year, reason: cmd.reason, ...(cmd.note ? { note: cmd.note } : {}), revokedOn: today },
      key: `certificate-revocation:${no}`,
    } as Draft);
  });
}
