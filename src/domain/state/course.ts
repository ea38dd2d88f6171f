import type { Category, Jurisdiction } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';

export interface CourseState {
  exists: boolean;
  courseId?: string;
  institutionId?: string;
  jurisdiction?: Jurisdiction;
  category?: Category;
  hours?: number;
  startsOn?: string;
  endsOn?: string;
  approvalNo?: string;
  /** FZ-5: the approved range of training certificate numbers. */
  certificateNumbers?: { from: string; to: string };
  /** FZ-4: the latest publication for public notice, and the objections raised since. */
  publishedOn?: string;
  objections?: string[];
  cancelledOn?: string;
}

export const initialCourse: CourseState = { exists: false };

export function evolveCourse(s: CourseState, e: DomainEvent): CourseState {
  switch (e.type) {
    case 'CourseFiled':
      return {
        exists: true,
        courseId: e.data.courseId,
        institutionId: e.data.institutionId,
        jurisdiction: e.data.jurisdiction,
        category: e.data.category,
        hours: e.data.hours,
        startsOn: e.data.startsOn,
        endsOn: e.data.endsOn,
      };
    case 'CourseApproved':
      return { ...s, approvalNo: e.data.approvalNo, ...(e.data.certificateNumbers ? { certificateNumbers: e.data.certificateNumbers } : {}) };
    case 'CoursePublished':
      return { ...s, publishedOn: e.data.publishedOn, objections: [] };
    case 'CourseObjectionRecorded':
      return { ...s, objections: [...(s.objections ?? []), e.data.objectedOn] };
    case 'CourseCancelled':
      return { ...s, cancelledOn: e.data.cancelledOn };
    default:
      return s;
  }
}
