import { certificateStatus, currentCertificate } from '../../projections/certificate-state.js';
import type { CertificateStatus } from '../../projections/certificate-state.js';
import type { PersonRecord } from '../../projections/person.js';
import { employerInYear, personYearFacts } from '../../projections/person-year-facts.js';
import type { Registry } from '../../projections/registry.js';
import type { Jurisdiction, TitleLevel } from '../../schemas/common.js';
import type { EmployerType } from '../../schemas/events.js';
import { evaluate } from '../rules/evaluate.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { ByCategory, Evaluation, Requirement } from '../rules/types.js';

export const PURPOSES = ['promotion', 'appointment', 'excellent-rating'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface EmployerFact {
  employerId: string;
  name: string;
  type: EmployerType;
  jurisdiction: Jurisdiction;
}

/** Everything a gate is decided on, loaded before. */
export interface EligibilityInputs {
  record: PersonRecord;
  registry: Registry;
  employers: ReadonlyMap<string, EmployerFact>;
  for: Purpose;
  /** The day the promotion, appointment or rating is decided. */
  on: string;
  /** The appraisal year an excellent rating is for (default: the year before `on`). */
  year?: number;
  rules?: RuleOptions;
}

/** One year the gate looked at, with what it found. */
export interface YearLook {
  year: number;
  jurisdiction: Jurisdiction;
  titleLevel: TitleLevel;
  employerId: string;
  employerType?: EmployerType;
  compliant: boolean;
  required: Requirement;
  counted: ByCategory;
  shortfall: ByCategory;
  /** A stamped certificate stands for the year (ZZ-8's 审验). */
  verified: boolean;
  certificate?: { certificateNumber: string; status: CertificateStatus };
  excused?: { reason: string; recordedOn: string };
}

export interface Unmet {
  ruleId: string;
  message: string;
  years: number[];
}

/** SZ-4: 4–5 years form a cycle within which all public and professional hours must be done and assessed. */
export interface SuzhouCycle {
  ruleId: 'SZ-4';
  startYear: number;
  endYear: number;
  /** Years of the cycle before the year of `on`. */
  yearsElapsed: number;
  required: { public: number; professional: number; total: number };
  counted: { public: number; professional: number; total: number };
  /** Elapsed years whose requirement was not met. */
  shortYears: number[];
}

export interface Eligibility {
  personId: string;
  for: Purpose;
  on: string;
  jurisdiction: Jurisdiction;
  titleLevel: TitleLevel;
  /** The current title's term began on this day (its title change, or the registration). */
  termStartsOn: string;
  eligible: boolean;
  unmet: Unmet[];
  /** The rule ids whose conditions were checked (empty where the jurisdiction sets none for this purpose). */
  rulesApplied: string[];
  years: YearLook[];
  cycle?: SuzhouCycle;
  note?: string;
}

/** SZ-4 gives 4–5 years; the ledger tracks the longer one, so a cycle never ends before the policy allows. */
export const SUZHOU_CYCLE_YEARS = 5;

/** SC-9: the employers whose professionals a missed year bars from "excellent". */
const SC9_TYPES: readonly EmployerType[] = ['state-organ', 'public-institution', 'social-organisation'];

const yearOf = (date: string) => Number(date.slice(0, 4));

export function termStart(p: PersonRecord, on: string): string {
  let start = p.registeredOn;
  for (const c of p.titleChanges) if (c.effectiveOn <= on && c.effectiveOn > start) start = c.effectiveOn;
  return start;
}

function look(i: EligibilityInputs, year: number): YearLook {
  const evaluation: Evaluation = evaluate(personYearFacts(i.record, i.registry, year), i.rules);
  const employerId = employerInYear(i.record, year);
  const employer = i.employers.get(employerId);
  const cert = currentCertificate(i.record, year);
  const status = cert ? certificateStatus(cert, evaluation) : undefined;
  const excused = i.record.excusedYears?.[String(year)];
  return {
    year,
    jurisdiction: evaluation.jurisdiction,
    titleLevel: evaluation.titleLevel,
    employerId,
    ...(employer ? { employerType: employer.type } : {}),
    compliant: evaluation.compliant,
    required: evaluation.required,
    counted: evaluation.counted,
    shortfall: evaluation.shortfall,
    verified: status?.status === 'stamped',
    ...(cert && status ? { certificate: { certificateNumber: cert.certificateNumber, status: status.status } } : {}),
    ...(excused ? { excused } : {}),
  };
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
const list = (years: number[]) => years.join(', ');

function suzhouCycle(i: EligibilityInputs, startYear: number): SuzhouCycle {
  const onYear = yearOf(i.on);
  const cycleStart = startYear + SUZHOU_CYCLE_YEARS * Math.floor(Math.max(0, onYear - startYear) / SUZHOU_CYCLE_YEARS);
  const years = range(cycleStart, cycleStart + SUZHOU_CYCLE_YEARS - 1).map((y) => look(i, y));
  const sum = (pick: (y: YearLook) => number) => years.reduce((n, y) => n + pick(y), 0);
  const elapsed = years.filter((y) => y.year < onYear);
  return {
    ruleId: 'SZ-4',
    startYear: cycleStart,
    endYear: cycleStart + SUZHOU_CYCLE_YEARS - 1,
    yearsElapsed: elapsed.length,
    required: { public: sum((y) => y.required.floors.public ?? 0), professional: sum((y) => y.required.floors.professional ?? 0), total: sum((y) => y.required.total) },
    counted: { public: sum((y) => y.counted.public), professional: sum((y) => y.counted.professional), total: sum((y) => y.counted.total) },
    shortYears: elapsed.filter((y) => !y.compliant).map((y) => y.year),
  };
}

/**
 * May this person be promoted, appointed or rated "excellent" on `on`, as far as continuing
 * education decides? Pure: the person's record, the courses it names and the employers are loaded
 * before. Every unmet condition names its rule and the years behind it.
 */
export function assessEligibility(i: EligibilityInputs): Eligibility {
  const p = i.record;
  const startsOn = termStart(p, i.on);
  const onYear = yearOf(i.on);
  const termYears = range(yearOf(startsOn), onYear - 1);
  const appraisalYear = i.year ?? onYear - 1;
  const unmet: Unmet[] = [];
  const rulesApplied: string[] = [];
  let looked: YearLook[] = [];
  let cycle: SuzhouCycle | undefined;
  let note: string | undefined;
  const short = (ys: YearLook[]) => ys.filter((y) => !y.compliant).map((y) => y.year);
  const gate = (ruleId: string, years: YearLook[], message: (short: number[]) => string) => {
    rulesApplied.push(ruleId);
    const missing = short(years);
    if (missing.length > 0) unmet.push({ ruleId, message: message(missing), years: missing });
  };
  const isTermGate = i.for !== 'excellent-rating';

  switch (p.jurisdiction) {
    case 'zhengzhou':
      if (i.for === 'promotion') {
        looked = termYears.map((y) => look(i, y));
        rulesApplied.push('ZZ-8');
        const missing = looked.filter((y) => !y.compliant || !y.verified).map((y) => y.year);
        if (missing.length > 0) {
          unmet.push({ ruleId: 'ZZ-8', message: `promotion needs every year of the current title's term completed and verified (stamped); not so for ${list(missing)}`, years: missing });
        }
      } else if (i.for === 'appointment') {
        looked = termYears.map((y) => look(i, y));
        gate('ZZ-8', looked, (m) => `appointment needs the hours of every year of the term completed; ${list(m)} short`);
      } else {
        looked = [look(i, appraisalYear)];
        note = 'Zhengzhou makes the hours a basis of the yearly appraisal, not a bar to "excellent"';
      }
      break;
    case 'suzhou':
      cycle = suzhouCycle(i, yearOf(startsOn));
      rulesApplied.push('SZ-4');
      looked = isTermGate ? termYears.map((y) => look(i, y)) : [look(i, appraisalYear)];
      gate('SZ-8', looked, (m) =>
        isTermGate ? `missing hours bar title evaluation and (re)appointment: ${list(m)} short` : `the yearly appraisal requires the year's hours: ${list(m)} short`,
      );
      break;
    case 'fuzhou':
      looked = isTermGate ? termYears.map((y) => look(i, y)) : [look(i, appraisalYear)];
      gate('FZ-7', looked, (m) => {
        const what = i.for === 'promotion' ? 'a title application' : i.for === 'appointment' ? 'appointment to a professional post' : 'an "excellent" rating';
        return `missing hours bar ${what}: ${list(m)} short`;
      });
      break;
    case 'sichuan':
      if (i.for === 'excellent-rating') {
        const y = look(i, appraisalYear);
        looked = [y];
        rulesApplied.push('SC-9');
        if (!y.compliant && !y.excused) {
          if (y.employerType === undefined) {
            unmet.push({ ruleId: 'SC-9', message: `${appraisalYear} was missed and employer ${y.employerId} has no registered type: the bar cannot be cleared`, years: [appraisalYear] });
          } else if (SC9_TYPES.includes(y.employerType)) {
            unmet.push({ ruleId: 'SC-9', message: `${appraisalYear} was missed without a good reason recorded; a ${y.employerType} may not rate it "excellent"`, years: [appraisalYear] });
          }
        }
      } else {
        looked = termYears.map((y) => look(i, y));
        note = 'Sichuan makes completed years an important basis of appointment and promotion, not a bar';
      }
      break;
    default:
      looked = isTermGate ? termYears.map((y) => look(i, y)) : [look(i, appraisalYear)];
      note = `no continuing-education gate is configured for ${p.jurisdiction}`;
  }
  return {
    personId: p.personId,
    for: i.for,
    on: i.on,
    jurisdiction: p.jurisdiction,
    titleLevel: p.titleLevel,
    termStartsOn: startsOn,
    eligible: unmet.length === 0,
    unmet,
    rulesApplied,
    years: looked,
    ...(cycle ? { cycle } : {}),
    ...(note ? { note } : {}),
  };
}
