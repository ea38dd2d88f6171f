import type { Category, Jurisdiction, TitleLevel } from '../../schemas/common.js';
import type { CreditTables } from './conversions.js';
import { hoursFromCharacters, hoursFromCredits } from './conversions.js';
import type { CreditFact, Flag, PersonYearFacts, Reason, Requirement, Reviewer } from './types.js';

/** A credit while it passes through the rules: its hours shrink as rules exclude or cap them. */
export interface CreditWork {
  fact: CreditFact;
  category: Category;
  claimed: number;
  hours: number;
  status: 'counted' | 'excluded' | 'pending';
  reasons: Reason[];
}

/** An industry's own rule (SZ-3, SC-1/SC-7, FZ-3): its floors replace the bureau's for its people. */
export interface IndustryOverride {
  ruleId: string;
  requirement?: Requirement;
}

export interface RuleOptions {
  /** jurisdiction → industry → override. */
  industryOverrides?: Partial<Record<Jurisdiction, Record<string, IndustryOverride>>>;
  /** SC-7 / FZ-3: industry → class hours per credit. */
  creditTables?: CreditTables;
}

export interface RuleContext {
  facts: PersonYearFacts;
  options: RuleOptions;
  flags: Flag[];
}

export type CreditRule = (w: CreditWork, ctx: RuleContext) => void;
export type YearRule = (works: CreditWork[], ctx: RuleContext) => void;

export interface RuleSet {
  id: string;
  jurisdiction: Jurisdiction;
  version: number;
  /** First day the policy applies; a rule set applies to years ending on or after it. */
  effectiveFrom: string;
  requirement(titleLevel: TitleLevel): Requirement;
  /** Hours a credit claims before any rule (conversions derive them from characters or credits). */
  claimedHours(fact: CreditFact, ctx: RuleContext): number;
  creditRules: CreditRule[];
  yearRules: YearRule[];
}

export function exclude(w: CreditWork, ruleId: string, message: string): void {
  w.reasons.push({ ruleId, effect: 'excluded', message, hours: w.hours });
  w.hours = 0;
  w.status = 'excluded';
}

/** Lowers a credit's hours to `to`, keeping the rest counted. */
export function cap(w: CreditWork, to: number, ruleId: string, message: string): void {
  if (to >= w.hours) return;
  if (to <= 0) return exclude(w, ruleId, message);
  w.reasons.push({ ruleId, effect: 'capped', message, hours: w.hours - to });
  w.hours = to;
}

/** Not counted yet: a review the rules require has not been given. */
/** `awaiting`: whose review it waits for, when a review is what it waits for (not the bureau's data). */
export function pend(w: CreditWork, ruleId: string, message: string, awaiting?: Reviewer): void {
  if (w.status === 'excluded') return;
  w.reasons.push(awaiting ? { ruleId, effect: 'pending', message, hours: 0, awaiting } : { ruleId, effect: 'pending', message, hours: 0 });
  w.status = 'pending';
}

export function flag(ctx: RuleContext, ruleId: string, message: string, creditId?: string): void {
  ctx.flags.push(creditId ? { ruleId, creditId, message } : { ruleId, message });
}

/** A flag that stops the year's certificate from being issued or stamped while it stands. */
export function blockingFlag(ctx: RuleContext, ruleId: string, message: string): void {
  ctx.flags.push({ ruleId, message, blocksCertificate: true });
}

/** The decision of a review stage in force: the latest one recorded. */
export function latestReview(fact: CreditFact, stage: 'employer' | 'bureau') {
  for (let i = fact.reviews.length - 1; i >= 0; i--) if (fact.reviews[i]!.stage === stage) return fact.reviews[i];
  return undefined;
}

export function isApproved(fact: CreditFact, stage: 'employer' | 'bureau'): boolean {
  return latestReview(fact, stage)?.decision === 'approved';
}

/** The hours a reviewer fixed (bureau over employer), if any. */
export function reviewedHours(fact: CreditFact): number | undefined {
  const bureau = latestReview(fact, 'bureau');
  if (bureau?.decision === 'approved' && bureau.hours !== undefined) return bureau.hours;
  const employer = latestReview(fact, 'employer');
  return employer?.decision === 'approved' ? employer.hours : undefined;
}

export const isIntermediateOrAbove = (t: TitleLevel) => t !== 'junior';

/** Hours as recorded; for conversions, derived from characters (SC-4/5) or credits (SC-7/FZ-3) or the value claimed or fixed by the reviewer. */
export function defaultClaimedHours(fact: CreditFact, ctx: RuleContext): number {
  if (fact.source === 'completion') return fact.hours;
  if (fact.characters !== undefined) return hoursFromCharacters(fact.kind, fact.characters)?.hours ?? 0;
  if (fact.credits !== undefined) return hoursFromCredits(ctx.options.creditTables ?? {}, ctx.facts.industry, fact.credits) ?? 0;
  return reviewedHours(fact) ?? fact.claimedHours ?? 0;
}

/** A rule that applies to completions only. */
export function forCompletions(rule: (w: CreditWork & { fact: Extract<CreditFact, { source: 'completion' }> }, ctx: RuleContext) => void): CreditRule {
  return (w, ctx) => {
    if (w.fact.source === 'completion' && w.status !== 'excluded') rule(w as CreditWork & { fact: Extract<CreditFact, { source: 'completion' }> }, ctx);
  };
}

/** A rule that applies to conversions only. */
export function forConversions(rule: (w: CreditWork & { fact: Extract<CreditFact, { source: 'conversion' }> }, ctx: RuleContext) => void): CreditRule {
  return (w, ctx) => {
    if (w.fact.source === 'conversion' && w.status !== 'excluded') rule(w as CreditWork & { fact: Extract<CreditFact, { source: 'conversion' }> }, ctx);
  };
}

/** A course recorded in minutes counts whole 45-minute class hours (ZZ-3, SC-3). */
export function minutesRule(ruleId: string): CreditRule {
  return forCompletions((w) => {
    const minutes = w.fact.course?.minutes;
    if (minutes === undefined) return;
    const hours = Math.floor(minutes / 45);
    cap(w, hours, ruleId, `${minutes} minutes of study make ${hours} class hours of 45 minutes`);
  });
}

/** Conversions a jurisdiction does not recognise at all. */
export function unrecognisedConversions(ruleId: string, allowed: readonly string[]): CreditRule {
  return forConversions((w) => {
    if (!allowed.includes(w.fact.kind)) exclude(w, ruleId, `a ${w.fact.kind} conversion is not recognised here`);
  });
}

/**
 * Caps the hours of the counted credits matching `which` at `limit` for the year (ST-1, FZ-2, SC-6);
 * credits fill the cap in credit-id order so the result never depends on arrival order.
 */
export function capTotal(works: CreditWork[], which: (w: CreditWork) => boolean, limit: number, ruleId: string, message: string): void {
  let left = limit;
  for (const w of works) {
    if (w.status !== 'counted' || !which(w)) continue;
    cap(w, left, ruleId, message);
    left -= w.hours;
  }
}
