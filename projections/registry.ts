import type { DomainEvent, EventData } from '../schemas/events.js';
import type { CourseFact, InstitutionFact } from '../src/rules/types.js';

/** Courses and institutions as the rules see them. */
export type RegistryInstitution = InstitutionFact & { name: string };
export type RegistryCourse = CourseFact & { institutionId: string; jurisdiction: string };

/** An industry's rule set as the rules see it (SZ-3, SC-1, SC-7, FZ-3). */
export type IndustryRuleSet = Omit<EventData<'IndustryRuleSetRecorded'>, 'recordedOn'>;

export interface Registry {
  institutions: Map<string, RegistryInstitution>;
  courses: Map<string, RegistryCourse>;
  /** By industryKey, in effective order. Absent where none were loaded. */
  industryRules?: Map<string, IndustryRuleSet[]>;
}

export const emptyRegistry = (): Registry => ({ institutions: new Map(), courses: new Map() });

export const industryKey = (jurisdiction: string, industry: string) => `${jurisdiction}|${industry}`;

/** Adds a rule set to the registry's list for its industry, kept in effective order. */
export function addIndustryRuleSet(r: Registry, d: EventData<'IndustryRuleSetRecorded'>): IndustryRuleSet[] {
  const { recordedOn: _on, ...set } = d;
  const key = industryKey(d.jurisdiction, d.industry);
  const rules = (r.industryRules ??= new Map<string, IndustryRuleSet[]>());
  const list = [...(rules.get(key) ?? []).filter((x) => x.effectiveFrom !== d.effectiveFrom), set].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : 1));
  rules.set(key, list);
  return list;
}

/** The industry rule set in force for a year: the latest effective on or before its last day. */
export function industryRuleFor(r: Registry, jurisdiction: string, industry: string | undefined, year: number): IndustryRuleSet | undefined {
  if (!industry || !r.industryRules) return undefined;
  const end = `${year}-12-31`;
  let found: IndustryRuleSet | undefined;
  for (const s of r.industryRules.get(industryKey(jurisdiction, industry)) ?? []) if (s.effectiveFrom <= end) found = s;
  return found;
}

/** Folds registry events (mutating `r`); returns the ids whose facts changed, or undefined for other events. */
export function foldRegistry(r: Registry, e: DomainEvent): { institutionId?: string; courseId?: string } | undefined {
  switch (e.type) {
    case 'InstitutionAccredited': {
      const { institutionId, name, jurisdiction, level, accreditedOn } = e.data;
      r.institutions.set(institutionId, { institutionId, name, jurisdiction, level, accreditedOn });
      return { institutionId };
    }
    case 'InstitutionAccreditationWithdrawn': {
      const i = r.institutions.get(e.data.institutionId);
      if (i) i.withdrawnOn = e.data.effectiveOn;
      return { institutionId: e.data.institutionId };
    }
    case 'CourseFiled': {
      const d = e.data;
      r.courses.set(d.courseId, {
        courseId: d.courseId,
        institutionId: d.institutionId,
        jurisdiction: d.jurisdiction,
        title: d.title,
        category: d.category,
        hours: d.hours,
        ...(d.minutes !== undefined ? { minutes: d.minutes } : {}),
        level: d.level,
        mode: d.mode,
        startsOn: d.startsOn,
        endsOn: d.endsOn,
        filedOn: d.filedOn,
        ...(d.subjectYear !== undefined ? { subjectYear: d.subjectYear } : {}),
      });
      return { courseId: d.courseId };
    }
    case 'CourseApproved': {
      const c = r.courses.get(e.data.courseId);
      if (c) {
        c.approval = {
          approvalNo: e.data.approvalNo,
          approvedOn: e.data.approvedOn,
          ...(e.data.certificateNumbers ? { certificateNumbers: e.data.certificateNumbers } : {}),
        };
      }
      return { courseId: e.data.courseId };
    }
    case 'CourseCancelled': {
      const c = r.courses.get(e.data.courseId);
      if (c) c.cancelledOn = e.data.cancelledOn;
      return { courseId: e.data.courseId };
    }
    default:
      return undefined;
  }
}

/** The jurisdictions whose industry rules can bear on a person's years: where the person was and is. */
export function jurisdictionsOf(p: { jurisdiction: string; transfers: { fromJurisdiction: string; toJurisdiction: string }[] }): string[] {
  return [...new Set([p.jurisdiction, ...p.transfers.flatMap((t) => [t.fromJurisdiction, t.toJurisdiction])])];
}
