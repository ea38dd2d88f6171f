import type { AdminLevel, Jurisdiction, Purpose, TitleLevel } from '../../schemas/common.js';
import { PACKAGE_CALENDAR, isMissingYear, isShantouStampDay, missingYearMessage } from '../rules/calendar.js';
import type { WorkingCalendar } from '../rules/calendar.js';
import type { PersonYearFacts } from '../rules/types.js';

export type StampCheck = { ok: true } | { ok: false; ruleId: string; message: string };

const LEVEL_ORDER: TitleLevel[] = ['junior', 'intermediate', 'deputy-senior', 'senior'];

/** The post a year is verified for: the highest title a completion of the year is for (promotion or appointment), else the title held. */
export interface Post {
  titleLevel: TitleLevel;
  purpose?: Purpose;
}

export function verificationPost(facts: PersonYearFacts): Post {
  let post: Post = { titleLevel: facts.titleLevel };
  for (const c of facts.credits) {
    if (c.source !== 'completion' || c.revoked || !c.targetTitle || (c.purpose !== 'promotion' && c.purpose !== 'appointment')) continue;
    if (!post.purpose || LEVEL_ORDER.indexOf(c.targetTitle) > LEVEL_ORDER.indexOf(post.titleLevel)) post = { titleLevel: c.targetTitle, purpose: c.purpose };
  }
  return post;
}

/**
 * Who stamps a certificate (ZZ-7, FZ-6), by the post applied or appointed for: intermediate and
 * above by the city bureau; junior by the county bureau (or a city department, i.e. the city level
 * too). Elsewhere the jurisdiction's bureau at any level.
 */
export function competentLevel(jurisdiction: Jurisdiction, post: Post, level: AdminLevel | undefined): StampCheck {
  if (jurisdiction !== 'zhengzhou' && jurisdiction !== 'fuzhou') return { ok: true };
  const ruleId = jurisdiction === 'zhengzhou' ? 'ZZ-7' : 'FZ-6';
  const what = post.purpose ? `${post.purpose} to ${post.titleLevel}` : `the ${post.titleLevel} title held`;
  if (post.titleLevel === 'junior') {
    return level === 'county' || level === 'city' ? { ok: true } : { ok: false, ruleId, message: `a year verified for ${what} is verified by the county bureau or a city department` };
  }
  return level === 'city' ? { ok: true } : { ok: false, ruleId, message: `a year verified for ${what} is verified by the city bureau, not a ${level ?? 'unknown'}-level one` };
}

/** When Shantou stamps (ST-12), and that from 2015 on no past year is verified (ST-4). */
export function stampDate(jurisdiction: Jurisdiction, certificateYear: number, stampedOn: string, calendar: WorkingCalendar = PACKAGE_CALENDAR): StampCheck {
  if (jurisdiction !== 'shantou') return { ok: true };
  const stampYear = Number(stampedOn.slice(0, 4));
  if (stampYear >= 2015 && certificateYear < stampYear) {
    return { ok: false, ruleId: 'ST-4', message: `from 2015 on no past year's certificate is verified (a ${certificateYear} certificate on ${stampedOn})` };
  }
  const stampDay = isShantouStampDay(stampedOn, calendar);
  if (isMissingYear(stampDay)) return { ok: false, ruleId: 'ST-12', message: `whether ${stampedOn} is a stamp day is unknown: ${missingYearMessage(stampDay.missingYear)}` };
  if (!stampDay) {
    return { ok: false, ruleId: 'ST-12', message: `${stampedOn} is not a stamp day (the 10th, 15th, 20th, 25th and 30th, or the next working day)` };
  }
  return { ok: true };
}
