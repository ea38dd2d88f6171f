import type { ConversionKind, Jurisdiction } from '../../schemas/common.js';

/**
 * Which conversions (折算学时) each jurisdiction recognises, and at what value. From the seeds:
 * Suzhou lists papers, monographs and awards with ranges (SZ-5) and lets the bureau decide others
 * (SZ-7); Sichuan converts self-study and publications by characters (SC-4, SC-5) and industry
 * credits (SC-7); Shantou accepts papers and conferences with the original proof and the employer's
 * confirmation (ST-6); Zhengzhou counts only training at accredited bases (ZZ-4) and Fuzhou only
 * full-time or centralised study (FZ-1), except an industry's own credit rule (FZ-3).
 */
const KINDS: Record<Jurisdiction, { kinds: readonly ConversionKind[]; ruleId: string }> = {
  zhengzhou: { kinds: [], ruleId: 'ZZ-4' },
  suzhou: { kinds: ['paper-provincial', 'paper-national', 'monograph', 'award-provincial', 'award-national', 'other'], ruleId: 'SZ-5' },
  sichuan: { kinds: ['self-study', 'publication', 'credits'], ruleId: 'SC-2' },
  shantou: { kinds: ['paper-provincial', 'paper-national', 'other'], ruleId: 'ST-6' },
  fuzhou: { kinds: ['credits'], ruleId: 'FZ-1' },
};

export function allowedConversionKinds(jurisdiction: Jurisdiction, _year?: number): readonly ConversionKind[] {
  return KINDS[jurisdiction].kinds;
}

/** The rule that refuses a conversion kind in a jurisdiction. */
export function conversionRuleId(jurisdiction: Jurisdiction): string {
  return KINDS[jurisdiction].ruleId;
}

export interface HoursRange {
  min: number;
  max: number;
  ruleId: string;
}

const SUZHOU_RANGES: Partial<Record<ConversionKind, [number, number]>> = {
  'paper-provincial': [10, 15],
  'paper-national': [15, 20],
  monograph: [20, 25],
  'award-provincial': [15, 20],
  'award-national': [20, 25],
};

/** SZ-5: the reviewer fixes a value inside the range; a value outside it is rejected. */
export function conversionRange(jurisdiction: Jurisdiction, _year: number, kind: ConversionKind): HoursRange | undefined {
  if (jurisdiction !== 'suzhou') return undefined;
  const r = SUZHOU_RANGES[kind];
  return r ? { min: r[0], max: r[1], ruleId: 'SZ-5' } : undefined;
}

/** SC-4 (self-study: 1 class hour per full 1,000 characters) and SC-5 (publications: 2). */
export function hoursFromCharacters(kind: ConversionKind, characters: number): { hours: number; ruleId: string } | undefined {
  const thousands = Math.floor(characters / 1000);
  if (kind === 'self-study') return { hours: thousands, ruleId: 'SC-4' };
  if (kind === 'publication') return { hours: 2 * thousands, ruleId: 'SC-5' };
  return undefined;
}

/**
 * SC-7 / FZ-3: industries that keep credits (学分) convert them by their own table. The tables are
 * the industries' own and change independently of the bureaus' rules, so they are configuration:
 * industry → class hours per credit.
 */
export type CreditTables = Readonly<Record<string, number>>;

export function hoursFromCredits(tables: CreditTables, industry: string | undefined, credits: number): number | undefined {
  const perCredit = industry ? tables[industry] : undefined;
  return perCredit === undefined ? undefined : credits * perCredit;
}

/** Kinds whose hours come from characters or credits rather than a claimed value. */
export function conversionNeeds(kind: ConversionKind): 'characters' | 'credits' | 'hours' {
  if (kind === 'self-study' || kind === 'publication') return 'characters';
  if (kind === 'credits') return 'credits';
  return 'hours';
}
