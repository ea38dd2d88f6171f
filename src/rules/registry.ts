import type { Jurisdiction } from '../../schemas/common.js';
import { FUZHOU_2009 } from './fuzhou.js';
import type { RuleSet } from './rule-set.js';
import { SHANTOU_2014 } from './shantou.js';
import { SICHUAN_2016 } from './sichuan.js';
import { SUZHOU_2013 } from './suzhou.js';
import { ZHENGZHOU_2012 } from './zhengzhou.js';

/**
 * Rule sets by jurisdiction, oldest first. A new policy is added as a new entry with its effective
 * date; years already judged keep the set that was in force, so history is never rewritten.
 */
export const RULE_SETS: Record<Jurisdiction, RuleSet[]> = {
  zhengzhou: [ZHENGZHOU_2012],
  suzhou: [SUZHOU_2013],
  sichuan: [SICHUAN_2016],
  shantou: [SHANTOU_2014],
  fuzhou: [FUZHOU_2009],
};

/**
 * The set in force for a year: the newest whose effective date falls on or before the year's last
 * day. A year before the first policy on file is judged by the first policy (the only rule known).
 */
export function ruleSetFor(jurisdiction: Jurisdiction, year: number, sets: Record<Jurisdiction, RuleSet[]> = RULE_SETS): RuleSet {
  const list = sets[jurisdiction];
  const yearEnd = `${year}-12-31`;
  let chosen = list[0]!;
  for (const s of list) if (s.effectiveFrom <= yearEnd) chosen = s;
  return chosen;
}
