import type { z } from 'zod';
import type { Jurisdiction } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';
import type { ClaimConversion, RecordCompletion, RecordEnrolment, ReviewCredit, RevokeCredit } from '../../../schemas/commands.js';
import { canonicalJson } from '../../store/integrity.js';
import type { Json } from '../../store/port.js';
import { beijingDate } from '../../time/clock.js';
import {
  allowedConversionKinds,
  conversionNeeds,
  conversionRange,
  conversionRuleId,
  hoursFromCharacters,
} from '../../rules/conversions.js';
import { checkRole, checkScope, hiddenPerson, knowsYear, mayKnow, notFound } from '../authorize.js';
import { execute, load } from '../handle.js';
import type { CommandContext, Draft } from '../handle.js';
import { shortDigest } from '../ids.js';
import { accept, reject } from '../result.js';
import type { Decision } from '../result.js';
import { evolveCourse, initialCourse } from '../state/course.js';
import type { CourseState } from '../state/course.js';
import { evolvePerson, initialPerson } from '../state/person.js';
import type { CreditState, PersonState } from '../state/person.js';
import { creditId, personOfCredit, streams } from '../streams.js';

async function loadCourse(ctx: CommandContext, courseId: string) {
  return (await load(ctx.store, streams.course(courseId), () => initialCourse, evolveCourse)).state;
}

/** An institution records only for its own, live courses; another's course is answered as no such course. */
function courseGate(ctx: CommandContext, course: CourseState, courseId: string) {
  if (!course.exists || !mayKnow(ctx.actor, { institutionId: course.institutionId, jurisdiction: course.jurisdiction })) return notFound.course(courseId);
  if (course.cancelledOn) return reject('RULE_VIOLATION', `course ${courseId} was cancelled on ${course.cancelledOn}`);
  return undefined;
}

/**
 * An institution records enrolments and completions of anyone registered, on its own courses: it
 * learns that a person id is registered (it must be told of a mistyped one), nothing more.
 */
export async function recordEnrolment(ctx: CommandContext, cmd: z.infer<typeof RecordEnrolment>) {
  const wrongRole = checkRole(ctx.actor, ['institution']);
  if (wrongRole) return wrongRole;
  const course = await loadCourse(ctx, cmd.courseId);
  const gate = courseGate(ctx, course, cmd.courseId);
  if (gate) return gate;
  const enrolmentId = creditId(cmd.personId, cmd.courseId);
  return execute(ctx, {
    streamId: streams.person(cmd.personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => (state.exists ? undefined : notFound.person(cmd.personId)),
    decide: ({ state }) => {
      if (state.enrolments.has(enrolmentId)) return reject('CONFLICT', `person ${cmd.personId} is already enrolled in ${cmd.courseId}`);
      return accept({
        type: 'EnrolmentRecorded',
        data: {
          enrolmentId,
          personId: cmd.personId,
          courseId: cmd.courseId,
          institutionId: course.institutionId!,
          enrolledOn: cmd.enrolledOn,
          purpose: cmd.purpose,
          ...(cmd.targetTitle ? { targetTitle: cmd.targetTitle } : {}),
        },
        key: `enrolment:${enrolmentId}`,
      });
    },
    result: () => ({ enrolmentId }),
  });
}

/**
 * What can never be valid is refused here; what depends on rules that may change (counting, caps,
 * filing deadlines, accreditation at the course's start) is left to the rules engine.
 */
export async function recordCompletion(ctx: CommandContext, cmd: z.infer<typeof RecordCompletion>, course?: CourseState) {
  const wrongRole = checkRole(ctx.actor, ['institution']);
  if (wrongRole) return wrongRole;
  course ??= await loadCourse(ctx, cmd.courseId);
  const gate = courseGate(ctx, course, cmd.courseId);
  if (gate) return gate;
  if (cmd.completedOn < course.startsOn!) {
    return reject('RULE_VIOLATION', `completion ${cmd.completedOn} is before the course starts (${course.startsOn})`);
  }
  if (cmd.completedOn > course.endsOn!) {
    return reject('RULE_VIOLATION', `completion ${cmd.completedOn} is after the course ends (${course.endsOn})`);
  }
  const hours = cmd.hours ?? course.hours!;
  if (hours > course.hours!) return reject('RULE_VIOLATION', `${hours} hours is more than the course's ${course.hours}`);
  if (course.jurisdiction === 'fuzhou' && course.certificateNumbers && cmd.proofNumber) {
    const held = await holdProofNumber(ctx, cmd.courseId, cmd.proofNumber, cmd.personId);
    if (!held.ok) return held;
  }
  const id = creditId(cmd.personId, cmd.courseId);
  return execute(ctx, {
    streamId: streams.person(cmd.personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => (state.exists ? undefined : notFound.person(cmd.personId)),
    decide: ({ state }) => {
      if (state.completedCourses.has(cmd.courseId)) {
        return reject('CONFLICT', `person ${cmd.personId} already has a completion of ${cmd.courseId}`, { details: { creditId: id, duplicate: true } });
      }
      return accept({
        type: 'CompletionRecorded',
        data: {
          creditId: id,
          personId: cmd.personId,
          courseId: cmd.courseId,
          institutionId: course.institutionId!,
          category: course.category!,
          completedOn: cmd.completedOn,
          assessment: cmd.assessment,
          hours,
          ...(cmd.proofNumber ? { proofNumber: cmd.proofNumber } : {}),
          ...(cmd.purpose ? { purpose: cmd.purpose } : {}),
          ...(cmd.targetTitle ? { targetTitle: cmd.targetTitle } : {}),
          creditYear: cmd.creditYear ?? Number(cmd.completedOn.slice(0, 4)),
          recordedOn: beijingDate(ctx.clock()),
        },
        key: `completion:${id}`,
      });
    },
    result: () => ({ creditId: id }),
  });
}

const evolveHolder = (s: { personId?: string }, e: DomainEvent) => (e.type === 'ProofNumberReserved' ? { personId: e.data.personId } : s);

/**
 * FZ-5: a class's training certificate number is held by one participant. The number is reserved
 * in its own stream (appended with no_stream) before the completion; the same person passes again
 * (a retry), anyone else is refused: one number shown for two people is a forgery signal.
 */
function holdProofNumber(ctx: CommandContext, courseId: string, proofNumber: string, personId: string) {
  return execute(ctx, {
    streamId: streams.proofNumber(courseId, proofNumber),
    initial: (): { personId?: string } => ({}),
    evolve: evolveHolder,
    decide: ({ state }) => {
      if (state.personId === personId) return accept();
      if (state.personId) {
        return reject('RULE_VIOLATION', `training certificate number ${proofNumber} of class ${courseId} is already held by another participant: possible forgery`, {
          ruleId: 'FZ-5',
          details: { courseId, proofNumber, forgerySignal: true },
        });
      }
      return accept<Draft>({ type: 'ProofNumberReserved', data: { courseId, proofNumber, personId }, key: personId });
    },
  });
}

export async function claimConversion(ctx: CommandContext, cmd: z.infer<typeof ClaimConversion>) {
  const wrongRole = checkRole(ctx.actor, ['professional', 'employer']);
  if (wrongRole) return wrongRole;
  const needs = conversionNeeds(cmd.kind);
  if (needs === 'characters' && cmd.characters === undefined) {
    return reject('VALIDATION_FAILED', 'the request does not match the schema', { details: [{ path: 'body.characters', message: `${cmd.kind} needs characters` }] });
  }
  if (needs === 'credits' && cmd.credits === undefined) {
    return reject('VALIDATION_FAILED', 'the request does not match the schema', { details: [{ path: 'body.credits', message: 'credits conversion needs credits' }] });
  }
  if (needs === 'characters' && hoursFromCharacters(cmd.kind, cmd.characters!)!.hours === 0) {
    return reject('RULE_VIOLATION', 'fewer than 1,000 characters convert to no class hour', { ruleId: hoursFromCharacters(cmd.kind, 0)!.ruleId });
  }
  const id = creditId(cmd.personId, `cv-${shortDigest(ctx.idempotencyKey ?? canonicalJson(cmd as unknown as Json))}`);
  return execute(ctx, {
    streamId: streams.person(cmd.personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => hiddenPerson(ctx.actor, state.record, cmd.personId),
    decide: ({ state }) => {
      const denied = checkScope(ctx.actor, ['professional', 'employer'], { personId: state.personId, employerId: state.employerId });
      if (denied) return denied;
      const j = state.jurisdiction!;
      if (!allowedConversionKinds(j, cmd.year).includes(cmd.kind)) {
        return reject('RULE_VIOLATION', `${j} does not recognise a ${cmd.kind} conversion`, { ruleId: conversionRuleId(j) });
      }
      const range = conversionRange(j, cmd.year, cmd.kind);
      if (range && cmd.hours !== undefined && (cmd.hours < range.min || cmd.hours > range.max)) {
        return reject('RULE_VIOLATION', `${cmd.kind} converts to ${range.min}–${range.max} class hours, not ${cmd.hours}`, { ruleId: range.ruleId });
      }
      if (state.credits.has(id)) return reject('CONFLICT', 'this conversion was already claimed', { details: { creditId: id, duplicate: true } });
      return accept({ type: 'ConversionClaimed', data: { ...cmd, creditId: id, claimedOn: beijingDate(ctx.clock()) }, key: `conversion:${id}` });
    },
    result: () => ({ creditId: id }),
  });
}

/**
 * A claim goes to the employer first, then to the bureau (ST-7's order, the same everywhere a claim
 * is reviewed twice); once the bureau has decided, the employer stage is closed. Outside Shantou,
 * completions need no employer approval before the bureau recognises them.
 */
function reviewOutOfOrder(credit: CreditState, stage: 'employer' | 'bureau', jurisdiction: Jurisdiction): Decision<Draft> | undefined {
  const ruleId = jurisdiction === 'shantou' ? { ruleId: 'ST-7' } : {};
  if (stage === 'employer' && credit.reviews.some((r) => r.stage === 'bureau')) {
    return reject('CONFLICT', `credit ${credit.creditId} was already reviewed by the bureau; the employer stage is closed`, { ...ruleId, details: { stage } });
  }
  if (stage === 'bureau' && (credit.source === 'conversion' || jurisdiction === 'shantou')) {
    const employer = credit.reviews.filter((r) => r.stage === 'employer').at(-1);
    if (employer?.decision !== 'approved') {
      return reject('CONFLICT', `credit ${credit.creditId} needs the employer's approval before the bureau's re-review`, { ...ruleId, details: { stage } });
    }
  }
  return undefined;
}

/**
 * ST-7: in Shantou professional hours are reviewed by the employer, then the bureau; elective hours
 * by the employer alone; public hours are the institution's entry, recognised by the bureau.
 */
function stageRefusal(credit: CreditState, stage: 'employer' | 'bureau', jurisdiction: Jurisdiction): Decision<Draft> | undefined {
  if (jurisdiction !== 'shantou') return undefined;
  if (credit.category === 'elective' && stage === 'bureau') {
    return reject('RULE_VIOLATION', 'elective hours are recognised by the employer alone', { ruleId: 'ST-7' });
  }
  if (credit.category === 'public' && stage === 'employer') {
    return reject('RULE_VIOLATION', 'public hours are entered by the institution and recognised by the bureau, not the employer', { ruleId: 'ST-7' });
  }
  return undefined;
}

/**
 * Loads the person a credit names and decides on the credit once `roles` may act on it. A credit
 * the actor may not know of (another's person, or a year a former employer or bureau did not hold)
 * is answered as an unknown credit.
 */
async function onCredit(
  ctx: CommandContext,
  id: string,
  roles: ('employer' | 'bureau')[],
  decide: (state: PersonState, credit: CreditState, personId: string) => Decision<Draft>,
) {
  const wrongRole = checkRole(ctx.actor, roles);
  if (wrongRole) return wrongRole;
  const personId = personOfCredit(id);
  if (!personId) return notFound.credit(id);
  return execute(ctx, {
    streamId: streams.person(personId),
    initial: initialPerson,
    evolve: evolvePerson,
    visible: ({ state }) => {
      const credit = state.credits.get(id);
      return state.record && credit && knowsYear(ctx.actor, state.record, credit.year) ? undefined : notFound.credit(id);
    },
    decide: ({ state }) => {
      const credit = state.credits.get(id)!;
      return checkScope(ctx.actor, roles, { employerId: state.employerId, jurisdiction: state.jurisdiction }) ?? decide(state, credit, personId);
    },
    result: () => ({ creditId: id }),
  });
}

export function reviewCredit(ctx: CommandContext, id: string, cmd: z.infer<typeof ReviewCredit>) {
  return onCredit(ctx, id, ['employer', 'bureau'], (state, credit, personId) => {
    if (cmd.stage !== ctx.actor.role) return reject('FORBIDDEN', `a ${ctx.actor.role} reviews at the ${ctx.actor.role} stage, not ${cmd.stage}`);
    if (credit.revoked) return reject('CONFLICT', `credit ${id} was revoked`);
    const refused = stageRefusal(credit, cmd.stage, state.jurisdiction!) ?? reviewOutOfOrder(credit, cmd.stage, state.jurisdiction!);
    if (refused) return refused;
    if (credit.kind && cmd.hours !== undefined) {
      const range = conversionRange(state.jurisdiction!, credit.year, credit.kind);
      if (range && (cmd.hours < range.min || cmd.hours > range.max)) {
        return reject('RULE_VIOLATION', `${credit.kind} converts to ${range.min}–${range.max} class hours, not ${cmd.hours}`, { ruleId: range.ruleId });
      }
    }
    return accept<Draft>({ type: 'CreditReviewed', data: { creditId: id, personId, ...cmd, reviewedOn: beijingDate(ctx.clock()) } });
  });
}

export function revokeCredit(ctx: CommandContext, id: string, cmd: z.infer<typeof RevokeCredit>) {
  return onCredit(ctx, id, ['bureau'], (state, credit, personId) => {
    if (credit.revoked) return reject('CONFLICT', `credit ${id} was already revoked`);
    return accept<Draft>({ type: 'CreditRevoked', data: { creditId: id, personId, reason: cmd.reason, revokedOn: beijingDate(ctx.clock()) }, key: `revocation:${id}` });
  });
}
