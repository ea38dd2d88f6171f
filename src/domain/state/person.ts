import { creditYear, foldPerson } from '../../../projections/person.js';
import type { PersonRecord, StoredCredit } from '../../../projections/person.js';
import type { Category, ConversionKind, Jurisdiction, TitleLevel } from '../../../schemas/common.js';
import type { DomainEvent } from '../../../schemas/events.js';
import type { RecordedEvent } from '../../store/port.js';

/** A credit as the write side decides on it. */
export interface CreditState {
  creditId: string;
  source: 'completion' | 'conversion';
  courseId?: string;
  kind?: ConversionKind;
  category: Category;
  year: number;
  revoked: boolean;
  reviews: { stage: 'employer' | 'bureau'; decision: 'approved' | 'rejected' }[];
}

function creditState(c: StoredCredit): CreditState {
  return {
    creditId: c.creditId,
    source: c.source,
    ...(c.source === 'completion' ? { courseId: c.courseId, category: c.category } : { kind: c.kind, category: 'professional' as const }),
    year: creditYear(c),
    revoked: c.revoked,
    reviews: c.reviews,
  };
}

/**
 * What the write side knows of a person: the same fold as the read side and the certificates
 * (`foldPerson`), seen through the questions commands ask of it.
 */
export class PersonState {
  record: PersonRecord | undefined;

  get exists(): boolean {
    return this.record !== undefined;
  }
  get personId(): string | undefined {
    return this.record?.personId;
  }
  get name(): string | undefined {
    return this.record?.name;
  }
  get jurisdiction(): Jurisdiction | undefined {
    return this.record?.jurisdiction;
  }
  get titleLevel(): TitleLevel | undefined {
    return this.record?.titleLevel;
  }
  get employerId(): string | undefined {
    return this.record?.employerId;
  }
  get industry(): string | undefined {
    return this.record?.industry;
  }
  /** Keyed hash of the ID number registered; its reservation stands only for this person. */
  get idNumberHash(): string | undefined {
    return this.record?.idNumberHash;
  }
  /** The person's credits by id. */
  get credits(): ReadonlyMap<string, CreditState> {
    return new Map(Object.values(this.record?.credits ?? {}).map((c) => [c.creditId, creditState(c)]));
  }
  /** Courses with a recorded completion: one completion per course and person. */
  get completedCourses(): ReadonlySet<string> {
    return new Set(Object.values(this.record?.credits ?? {}).flatMap((c) => (c.source === 'completion' ? [c.courseId] : [])));
  }
  /** Enrolment ids (`{personId}:{courseId}`). */
  get enrolments(): ReadonlySet<string> {
    const p = this.record;
    return new Set(p ? Object.keys(p.enrolmentPurposes).map((courseId) => `${p.personId}:${courseId}`) : []);
  }
  get assessedYears(): ReadonlySet<number> {
    return new Set(Object.keys(this.record?.assessments ?? {}).map(Number));
  }
}

export const initialPerson = (): PersonState => new PersonState();

/** Mutates and returns the state: folds over a whole stream run once per command. */
export function evolvePerson(s: PersonState, e: DomainEvent, recorded: RecordedEvent): PersonState {
  s.record = foldPerson(s.record, e, recorded.position).record;
  return s;
}
