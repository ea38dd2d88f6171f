import type { DomainEvent } from '../schemas/events.js';
import type { CourseFact, InstitutionFact } from '../src/rules/types.js';

/** Courses and institutions as the rules see them. */
export type RegistryInstitution = InstitutionFact & { name: string };
export type RegistryCourse = CourseFact & { institutionId: string; jurisdiction: string };

export interface Registry {
  institutions: Map<string, RegistryInstitution>;
  courses: Map<string, RegistryCourse>;
}

export const emptyRegistry = (): Registry => ({ institutions: new Map(), courses: new Map() });

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
