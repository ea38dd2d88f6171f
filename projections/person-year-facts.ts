import type { Jurisdiction, TitleLevel } from '../schemas/common.js';
import type { CompletionFact, CreditFact, PersonYearFacts } from '../src/rules/types.js';
import type { PersonRecord } from './person.js';
import { creditYear, onlineConsentCovers } from './person.js';
import { industryRuleFor } from './registry.js';
import type { Registry } from './registry.js';

const LEVEL_ORDER: TitleLevel[] = ['junior', 'intermediate', 'deputy-senior', 'senior'];

/** What was in force at the end of `year`: transfers and title changes dated later do not apply. */
function inForce(p: PersonRecord, year: number): { jurisdiction: Jurisdiction; employerId: string; titleLevel: TitleLevel } {
  const end = `${year}-12-31`;
  let jurisdiction = p.transfers[0]?.fromJurisdiction ?? p.jurisdiction;
  let employerId = p.transfers[0]?.fromEmployerId ?? p.employerId;
  for (const t of p.transfers) {
    if (t.effectiveOn > end) break;
    jurisdiction = t.toJurisdiction;
    employerId = t.toEmployerId;
  }
  let titleLevel = p.titleChanges[0]?.from ?? p.titleLevel;
  for (const c of p.titleChanges) if (c.effectiveOn <= end) titleLevel = c.to;
  return { jurisdiction, employerId, titleLevel };
}

export function employerInYear(p: PersonRecord, year: number): string {
  return inForce(p, year).employerId;
}

/** The jurisdiction and employer that held `year`: those in force at its end. */
export function holderInYear(p: PersonRecord, year: number): { jurisdiction: Jurisdiction; employerId: string } {
  const { jurisdiction, employerId } = inForce(p, year);
  return { jurisdiction, employerId };
}

/** The facts the rules engine judges a person-year on, joined with the course and institution registry. */
export function personYearFacts(p: PersonRecord, registry: Registry, year: number): PersonYearFacts {
  const { jurisdiction, titleLevel } = inForce(p, year);
  const promoted = p.titleChanges.find(
    (c) => c.effectiveOn.startsWith(`${year}-`) && LEVEL_ORDER.indexOf(c.to) > LEVEL_ORDER.indexOf(c.from),
  );
  const credits: CreditFact[] = [];
  for (const c of Object.values(p.credits)) {
    if (creditYear(c) !== year) continue;
    if (c.source === 'conversion') {
      const { year: _y, ...rest } = c;
      credits.push({ ...rest, category: 'professional' });
      continue;
    }
    const course = registry.courses.get(c.courseId);
    const institution = course ? registry.institutions.get(course.institutionId) : undefined;
    const purpose = c.purpose ?? p.enrolmentPurposes[c.courseId];
    const targetTitle = c.targetTitle ?? p.enrolmentTargets?.[c.courseId];
    // Spelled out rather than spread: this runs for every credit of every year a rebuild evaluates.
    const fact: CompletionFact = {
      source: 'completion',
      creditId: c.creditId,
      category: c.category,
      hours: c.hours,
      completedOn: c.completedOn,
      assessment: c.assessment,
      creditYear: c.creditYear,
      recordedOn: c.recordedOn,
      revoked: c.revoked,
      reviews: c.reviews,
    };
    if (c.revokedOn !== undefined) fact.revokedOn = c.revokedOn;
    if (c.proofNumber !== undefined) fact.proofNumber = c.proofNumber;
    if (purpose) fact.purpose = purpose;
    if (targetTitle) fact.targetTitle = targetTitle;
    if (course) fact.course = course;
    if (institution) fact.institution = institution;
    if (p.onlineConsents && onlineConsentCovers(p, c.completedOn)) fact.onlineConsent = true;
    credits.push(fact);
  }
  const assessment = p.assessments[String(year)];
  const catalogue = registry.catalogues.get(jurisdiction);
  const industryRule = registry.industryRules ? industryRuleFor(registry, jurisdiction, p.industry, year) : undefined;
  return {
    personId: p.personId,
    year,
    jurisdiction,
    titleLevel,
    ...(p.industry ? { industry: p.industry } : {}),
    ...(promoted ? { promotion: { from: promoted.from, to: promoted.to } } : {}),
    ...(assessment ? { assessment } : {}),
    ...(catalogue ? { catalogue } : {}),
    calendar: registry.calendar,
    credits,
    ...(industryRule ? { industryRule: { industry: industryRule.industry, ruleId: industryRule.ruleId, effectiveFrom: industryRule.effectiveFrom, ...(industryRule.requirement ? { requirement: industryRule.requirement } : {}), ...(industryRule.hoursPerCredit !== undefined ? { hoursPerCredit: industryRule.hoursPerCredit } : {}) } } : {}),
  };
}
