import type { Jurisdiction } from '../schemas/common.js';
import type { DomainEvent, EventData } from '../schemas/events.js';
import { WorkingCalendar } from '../src/rules/calendar.js';
import { emptyCatalogue, subjectKey } from '../src/rules/catalogue.js';
import type { Catalogue } from '../src/rules/catalogue.js';
import type { CourseFact, InstitutionFact } from '../src/rules/types.js';

/** Courses and institutions as the rules see them, and the bureaus' own data: catalogues and holiday tables. */
export type RegistryInstitution = InstitutionFact & { name: string };
export type RegistryCourse = CourseFact & { institutionId: string; jurisdiction: string };

/** An industry's rule set as the rules see it (SZ-3, SC-1, SC-7, FZ-3). */
export type IndustryRuleSet = Omit<EventData<'IndustryRuleSetRecorded'>, 'recordedOn'>;

export interface Registry {
  institutions: Map<string, RegistryInstitution>;
  courses: Map<string, RegistryCourse>;
  catalogues: Map<Jurisdiction, Catalogue>;
  calendar: WorkingCalendar;
  /** By industryKey, in effective order. Absent where none were loaded. */
  industryRules?: Map<string, IndustryRuleSet[]>;
}

export const emptyRegistry = (): Registry => ({ institutions: new Map(), courses: new Map(), catalogues: new Map(), calendar: new WorkingCalendar() });

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

/** What a registry event changed: a course, an institution, a jurisdiction's catalogue or a year's holiday table. */
export interface RegistryChange {
  institutionId?: string;
  courseId?: string;
  catalogue?: Jurisdiction;
  holidayYear?: number;
}

function catalogueOf(r: Registry, j: Jurisdiction): Catalogue {
  let c = r.catalogues.get(j);
  if (!c) r.catalogues.set(j, (c = emptyCatalogue()));
  return c;
}

/** Folds registry events (mutating `r`); returns what changed, or undefined for other events. */
export function foldRegistry(r: Registry, e: DomainEvent): RegistryChange | undefined {
  switch (e.type) {
    case 'PublicSubjectsListed':
      catalogueOf(r, e.data.jurisdiction).publicSubjects[String(e.data.year)] = e.data.subjects.map((s) => subjectKey(s.title));
      return { catalogue: e.data.jurisdiction };
    case 'PastYearCatalogueRecorded':
      catalogueOf(r, e.data.jurisdiction).pastYear = e.data.subjects.map((s) => ({ ...s }));
      return { catalogue: e.data.jurisdiction };
    case 'HolidayTableRecorded':
      r.calendar.record({ year: e.data.year, holidays: e.data.holidays, workdays: e.data.workdays });
      return { holidayYear: e.data.year };
    case 'CoursePublished': {
      const c = r.courses.get(e.data.courseId);
      if (c) c.publishedOn = e.data.publishedOn;
      return { courseId: e.data.courseId };
    }
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
        ...(d.subject !== undefined ? { subject: d.subject } : {}),
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
