import type { AdminLevel, Jurisdiction, TitleLevel } from '../../schemas/common.js';
import { isShantouStampDay } from '../rules/calendar.js';

export type StampCheck = { ok: true } | { ok: false; ruleId: string; message: string };

/**
 * Who stamps a certificate (ZZ-7, FZ-6): intermediate and above by the city bureau; junior by the
 * county bureau (or a city department, i.e. the city level too). Elsewhere the jurisdiction's
 * bureau at any level.
 */
export function competentLevel(jurisdiction: Jurisdiction, titleLevel: TitleLevel, level: AdminLevel | undefined): StampCheck {
  if (jurisdiction !== 'zhengzhou' && jurisdiction !== 'fuzhou') return { ok: true };
  const ruleId = jurisdiction === 'zhengzhou' ? 'ZZ-7' : 'FZ-6';
  if (titleLevel === 'junior') {
    return level === 'county' || level === 'city' ? { ok: true } : { ok: false, ruleId, message: 'a junior certificate is verified by the county bureau or a city department' };
  }
  return level === 'city' ? { ok: true } : { ok: false, ruleId, message: `a ${titleLevel} certificate is verified by the city bureau` };
}

/** When Shantou stamps (ST-12), and that from 2015 on no past year is verified (ST-4). */
export function stampDate(jurisdiction: Jurisdiction, certificateYear: number, stampedOn: string): StampCheck {
  if (jurisdiction !== 'shantou') return { ok: true };
  const stampYear = Number(stampedOn.slice(0, 4));
  if (stampYear >= 2015 && certificateYear < stampYear) {
    return { ok: false, ruleId: 'ST-4', message: `from 2015 on no past year's certificate is verified (a ${certificateYear} certificate on ${stampedOn})` };
  }
  if (!isShantouStampDay(stampedOn)) {
    return { ok: false, ruleId: 'ST-12', message: `${stampedOn} is not a stamp day (the 10th, 15th, 20th, 25th and 30th, or the next working day)` };
  }
  return { ok: true };
}
