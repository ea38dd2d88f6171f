import { JURISDICTIONS } from '../../schemas/common.js';
import type { Jurisdiction, TitleLevel } from '../../schemas/common.js';
import type { EmployerType, EventData, EventType } from '../../schemas/events.js';
import { SCHEMA_VERSIONS } from '../../schemas/events.js';
import type { JsonObject, NewEvent } from '../store/port.js';
import { AREA_CODES, COURSE_PROFILES, TITLE_MIX } from './profiles.js';
import { Rng, syntheticIdNumber } from './rng.js';

export interface WorkloadOptions {
  persons: number;
  seed?: number;
  year?: number;
  institutionsPerJurisdiction?: number;
  /** Share of persons who skip one course and so miss the year (default 0.12). */
  shortfallShare?: number;
  /** Share of completions later revoked (default 0.002). */
  revocationShare?: number;
  /** Keyed hash + masked form of an ID number, from the service's pepper. */
  protectId: (idNumber: string) => { hash: string; masked: string };
}

/** One append: a stream and the events to put at its end. */
export interface StreamBatch {
  streamId: string;
  events: NewEvent[];
}

const ACTOR = { role: 'system', id: 'ledger-gen' } as const;

/** Matches the employer ids persons are given (`{jurisdiction}-emp-0..199`). */
const EMPLOYERS_PER_JURISDICTION = 200;
const EMPLOYER_TYPES: EmployerType[] = ['enterprise', 'public-institution', 'enterprise', 'state-organ', 'public-institution', 'enterprise', 'social-organisation', 'enterprise', 'public-institution', 'other'];

/** The industry each jurisdiction with an industry rule has one for, and its rule set. */
const INDUSTRY_RULES: Partial<Record<Jurisdiction, Pick<EventData<'IndustryRuleSetRecorded'>, 'industry' | 'ruleId' | 'requirement' | 'hoursPerCredit'>>> = {
  suzhou: { industry: 'construction', ruleId: 'SZ-3', requirement: { total: 60, floors: { public: 20, professional: 40 } } },
  sichuan: { industry: 'medicine', ruleId: 'SC-7', hoursPerCredit: 3 },
  fuzhou: { industry: 'medicine', ruleId: 'FZ-3', hoursPerCredit: 2 },
};

function event<T extends EventType>(rng: Rng, type: T, data: EventData<T>): NewEvent {
  return {
    eventId: rng.uuid(),
    type,
    data: data as unknown as JsonObject,
    metadata: { actor: ACTOR, schemaVersion: SCHEMA_VERSIONS[type] },
  };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function titleLevel(rng: Rng): TitleLevel {
  let x = rng.next();
  for (const t of TITLE_MIX) {
    if ((x -= t.share) < 0) return t.level;
  }
  return 'intermediate';
}

interface CourseRef {
  courseId: string;
  institutionId: string;
  category: 'public' | 'professional' | 'elective';
  hours: number;
  startsOn: string;
  endsOn: string;
  certificateFrom?: number;
}

/**
 * A deterministic synthetic year: institutions, courses, persons with their completions,
 * conversions, reviews and a few revocations, in an order the store accepts (registries first).
 * The same options give the same events, eventIds included.
 */
export function* generateWorkload(o: WorkloadOptions): Generator<StreamBatch> {
  const rng = new Rng(o.seed ?? 2014);
  const year = o.year ?? 2014;
  const perJurisdiction = o.institutionsPerJurisdiction ?? 4;
  const courses = new Map<Jurisdiction, CourseRef[][]>();

  // ST-2: Shantou's public subjects of the year are the bureau's data, recorded before any course.
  const shantouPublic = COURSE_PROFILES.shantou.filter((c) => c.category === 'public').map((c) => ({ title: c.title, hours: c.hours }));
  yield {
    streamId: 'catalogue-shantou',
    events: [event(rng, 'PublicSubjectsListed', { jurisdiction: 'shantou', year, subjects: shantouPublic, listedOn: `${year}-01-10` })],
  };

  for (const j of JURISDICTIONS) {
    const byInstitution: CourseRef[][] = [];
    for (let i = 0; i < perJurisdiction; i++) {
      const institutionId = `${j}-inst-${i}`;
      yield {
        streamId: `institution-${institutionId}`,
        events: [
          event(rng, 'InstitutionAccredited', {
            institutionId,
            name: `${j} continuing-education base ${i}`,
            jurisdiction: j,
            level: 'city',
            accreditedOn: `${year - 1}-01-15`,
          }),
        ],
      };
      const refs: CourseRef[] = [];
      for (const [k, profile] of COURSE_PROFILES[j].entries()) {
        const courseId = `${institutionId}-c${k}`;
        const startsOn = `${year}-05-${String(5 + k * 5).padStart(2, '0')}`;
        const endsOn = addDays(startsOn, 3);
        const filed = event(rng, 'CourseFiled', {
          courseId,
          institutionId,
          jurisdiction: j,
          title: profile.title,
          category: profile.category,
          hours: profile.hours,
          level: 'city',
          mode: 'in-person',
          startsOn,
          endsOn,
          filedOn: `${year}-03-01`,
          subjectYear: year,
        });
        const certificateFrom = (i * 10 + k) * 10_000_000 + 1;
        const approved = event(rng, 'CourseApproved', {
          courseId,
          approvalNo: `${j.toUpperCase()}-${year}-${i}-${k}`,
          certificateNumbers: { from: String(certificateFrom).padStart(10, '0'), to: String(certificateFrom + 9_999_999).padStart(10, '0') },
          approvedOn: `${year}-03-20`,
        });
        yield { streamId: `course-${courseId}`, events: [filed, approved] };
        refs.push({ courseId, institutionId, category: profile.category, hours: profile.hours, startsOn, endsOn, certificateFrom });
      }
      byInstitution.push(refs);
    }
    courses.set(j, byInstitution);
  }

  // Employers with their legal form (SC-9), and industries with their own rule sets (SZ-3, SC-7, FZ-3).
  // Their event ids come from a second generator, so the persons of a seed stay what they were.
  const side = new Rng((o.seed ?? 2014) + 7919);
  for (const j of JURISDICTIONS) {
    for (let k = 0; k < EMPLOYERS_PER_JURISDICTION; k++) {
      const employerId = `${j}-emp-${k}`;
      yield {
        streamId: `employer-${employerId}`,
        events: [event(side, 'EmployerRegistered', { employerId, name: `${j} employer ${k}`, type: EMPLOYER_TYPES[k % EMPLOYER_TYPES.length]!, jurisdiction: j, registeredOn: `${year - 1}-06-01` })],
      };
    }
    const rule = INDUSTRY_RULES[j];
    if (rule) {
      yield { streamId: `industryrules-${j}`, events: [event(side, 'IndustryRuleSetRecorded', { jurisdiction: j, ...rule, effectiveFrom: `${year}-01-01`, recordedOn: `${year}-01-05` })] };
    }
  }

  const proofCounters = new Map<string, number>();
  for (let p = 0; p < o.persons; p++) {
    const jurisdiction = JURISDICTIONS[p % JURISDICTIONS.length]!;
    const personId = `p${String(p).padStart(7, '0')}`;
    const employerId = `${jurisdiction}-emp-${rng.int(0, 199)}`;
    const level = titleLevel(rng);
    const ids = o.protectId(syntheticIdNumber(rng, AREA_CODES[jurisdiction]));
    // Every tenth person of a jurisdiction with an industry rule works in that industry.
    const industry = p % 10 === 3 ? INDUSTRY_RULES[jurisdiction]?.industry : undefined;
    // ST-9: one Shantou entry in 25 comes well after the 5-working-day deadline.
    const entryDelay = jurisdiction === 'shantou' && p % 25 === 0 ? 20 : 2;
    const events: NewEvent[] = [
      event(rng, 'PersonRegistered', {
        personId,
        idNumberHash: ids.hash,
        idNumberMasked: ids.masked,
        name: `测试${p}`,
        jurisdiction,
        titleLevel: level,
        employerId,
        ...(industry ? { industry } : {}),
        registeredOn: `${year - 1}-12-01`,
      }),
    ];
    const institution = rng.pick(courses.get(jurisdiction)!);
    const skip = rng.chance(o.shortfallShare ?? 0.12) ? rng.int(0, institution.length - 1) : -1;
    for (const [k, course] of institution.entries()) {
      if (k === skip) continue;
      const creditId = `${personId}:${course.courseId}`;
      const counter = (proofCounters.get(course.courseId) ?? 0) + 1;
      proofCounters.set(course.courseId, counter);
      events.push(
        event(rng, 'CompletionRecorded', {
          creditId,
          personId,
          courseId: course.courseId,
          institutionId: course.institutionId,
          category: course.category,
          completedOn: course.endsOn,
          assessment: 'passed',
          hours: course.hours,
          proofNumber: String(course.certificateFrom! + counter).padStart(10, '0'),
          purpose: 'appointment',
          creditYear: year,
          recordedOn: addDays(course.endsOn, entryDelay),
        }),
      );
      if (jurisdiction === 'shantou' && course.category !== 'public') {
        events.push(event(rng, 'CreditReviewed', { creditId, personId, stage: 'employer', decision: 'approved', reviewedOn: addDays(course.endsOn, 5) }));
        if (course.category === 'professional') {
          events.push(event(rng, 'CreditReviewed', { creditId, personId, stage: 'bureau', decision: 'approved', reviewedOn: addDays(course.endsOn, 9) }));
        }
      }
      if (rng.chance(o.revocationShare ?? 0.002)) {
        events.push(event(rng, 'CreditRevoked', { creditId, personId, reason: 'proof issued without training (ST-14)', revokedOn: `${year}-11-20` }));
      }
    }
    if (jurisdiction === 'suzhou' && rng.chance(0.2)) {
      const creditId = `${personId}:cv-paper`;
      events.push(
        event(rng, 'ConversionClaimed', {
          creditId,
          personId,
          year,
          kind: 'paper-national',
          hours: 18,
          title: 'A paper in a national journal',
          evidence: [{ kind: 'paper', ref: `doi:10.0000/${personId}` }],
          claimedOn: `${year}-09-01`,
        }),
        event(rng, 'CreditReviewed', { creditId, personId, stage: 'employer', decision: 'approved', hours: 17, reviewedOn: `${year}-09-10` }),
      );
    }
    if (jurisdiction === 'sichuan' && rng.chance(0.3)) {
      const creditId = `${personId}:cv-notes`;
      events.push(
        event(rng, 'ConversionClaimed', {
          creditId,
          personId,
          year,
          kind: 'self-study',
          characters: rng.int(5, 40) * 1000,
          evidence: [{ kind: 'notes', ref: `notes-${personId}` }],
          claimedOn: `${year}-10-01`,
        }),
        event(rng, 'CreditReviewed', { creditId, personId, stage: 'employer', decision: 'approved', reviewedOn: `${year}-10-15` }),
      );
    }
    if (industry && INDUSTRY_RULES[jurisdiction]?.hoursPerCredit !== undefined) {
      events.push(
        event(side, 'ConversionClaimed', {
          creditId: `${personId}:cv-credits`,
          personId,
          year,
          kind: 'credits',
          credits: 4,
          evidence: [{ kind: 'proof', ref: `credits-${personId}` }],
          claimedOn: `${year}-11-01`,
        }),
      );
    }
    events.push(event(rng, 'AnnualAssessmentSigned', { personId, year, employerId, result: 'passed', signedOn: `${year}-12-10` }));
    yield { streamId: `person-${personId}`, events };
  }
}
