import type { Jurisdiction } from '../schemas/common.js';
import type { DomainEvent } from '../schemas/events.js';
import { WorkingCalendar } from '../src/rules/calendar.js';
import { emptyCatalogue, subjectKey } from '../src/rules/catalogue.js';
import type { Catalogue } from '../src/rules/catalogue.js';
import type { CourseFact, InstitutionFact } from '../src/rules/types.js';

/** Courses and institutions as the rules see them, and the bureaus' own data: catalogues and holiday tables. */
export type RegistryInstitution = InstitutionFact & { name: string };
export type RegistryCourse = CourseFact & { institutionId: string; jurisdiction: string };

export interface Registry {
  institutions: Map<string, RegistryInstitution>;
  courses: Map<string, RegistryCourse>;
  catalogues: Map<Jurisdiction, Catalogue>;
  calendar: WorkingCalendar;
}

export const emptyRegistry = (): Registry => ({ institutions: new Map(), courses: new Map(), catalogues: new Map(), calendar: new WorkingCalendar() });

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
