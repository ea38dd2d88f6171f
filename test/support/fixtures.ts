import type { Principal } from '../../src/security/principal.js';
import type { TestApp } from './app.js';
import { principals } from './app.js';

/** Valid resident ID numbers (check digit included) for test persons. */
export const ID_NUMBERS = {
  p1: '410102198501159812',
  p2: '410102199804187209',
  sz: '320502197712134880',
  st: '440507196505071543',
  fz: '350102197901127675',
  sc: '510104197103024279',
} as const;

export async function ok(t: TestApp, p: Principal, url: string, payload: object, headers: Record<string, string> = {}) {
  const res = await t.as(p, { method: 'POST', url, payload, headers });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/**
 * Zhengzhou: inst-a accredited by the city bureau, course c1 (professional, 30 h) and c-pub (public,
 * 26 h) filed and approved; p1 (intermediate, employer emp-1) registered.
 */
export async function seedZhengzhou(t: TestApp) {
  await ok(t, principals.zzBureau, '/v1/institutions', { institutionId: 'inst-a', name: '郑州继续教育基地', jurisdiction: 'zhengzhou', level: 'city', accreditedOn: '2013-01-10' });
  await ok(t, principals.zzBureau, '/v1/institutions', { institutionId: 'inst-b', name: '郑州第二基地', jurisdiction: 'zhengzhou', level: 'county', accreditedOn: '2013-01-10' });
  for (const [courseId, category, hours] of [['c1', 'professional', 30], ['c2', 'professional', 30], ['c-pub', 'public', 26]] as const) {
    await ok(t, principals.instA, '/v1/courses', {
      courseId,
      institutionId: 'inst-a',
      title: `课程 ${courseId}`,
      category,
      hours,
      level: 'city',
      mode: 'in-person',
      startsOn: '2014-05-05',
      endsOn: '2014-05-08',
      filedOn: '2014-04-01',
    });
    await ok(t, principals.zzBureau, `/v1/courses/${courseId}/approval`, { approvalNo: `ZZ-${courseId}`, approvedOn: '2014-04-10' });
  }
  await ok(t, principals.employer, '/v1/persons', {
    personId: 'p1',
    idNumber: ID_NUMBERS.p1,
    name: '张三丰',
    jurisdiction: 'zhengzhou',
    titleLevel: 'intermediate',
    employerId: 'emp-1',
  });
}
