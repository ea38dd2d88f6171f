import { join } from 'node:path';
import type { Principal } from '../../src/security/principal.js';
import { SqliteEventStore } from '../../src/store/sqlite/sqlite-store.js';
import type { EventStore, RecordedEvent } from '../../src/store/port.js';
import type { FeedHub } from '../../src/feed/hub.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import type { TestApp } from '../support/app.js';
import { ID_NUMBERS, ok } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

export const feedPrincipals = {
  szReporting: { role: 'reporting', sub: 'stats-sz', jurisdictions: ['suzhou'] },
  fzReporting: { role: 'reporting', sub: 'stats-fz', jurisdictions: ['fuzhou'] },
  bothReporting: { role: 'reporting', sub: 'stats-province', jurisdictions: ['suzhou', 'fuzhou'] },
  instSz: { role: 'institution', sub: 'inst-sz' },
  instFz: { role: 'institution', sub: 'inst-fz' },
} as const satisfies Record<string, Principal>;

export interface FeedWorld {
  app: TestApp;
  base: string;
  hub: () => FeedHub;
  token: (p: Principal) => string;
  all: () => Promise<RecordedEvent[]>;
  close: () => Promise<void>;
}

/** The app listening on 127.0.0.1 over a store (SQLite on disk unless given), with its feed hub. */
export async function feedWorld(options: { store?: EventStore; heartbeatMs?: number } = {}): Promise<FeedWorld> {
  const tmp = tempDir('celedger-feed-');
  const store = options.store ?? SqliteEventStore.open({ file: join(tmp.dir, 'events.db'), clock: () => FIXED_NOW });
  let hub: FeedHub | undefined;
  const app = await testApp({ store, config: { feedHeartbeatMs: options.heartbeatMs ?? 60_000 }, onFeedHub: (h) => (hub = h) });
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.app.server.address() as { port: number };
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    hub: () => hub!,
    token: app.token,
    all: async () => {
      const out: RecordedEvent[] = [];
      for await (const e of store.readAll()) out.push(e);
      return out;
    },
    close: async () => {
      await app.close();
      tmp.remove();
    },
  };
}

const course = (courseId: string, institutionId: string) => ({
  courseId,
  institutionId,
  title: `课程 ${courseId}`,
  category: 'professional',
  hours: 30,
  level: 'city',
  mode: 'in-person',
  startsOn: '2014-05-05',
  endsOn: '2014-05-08',
  filedOn: '2014-04-01',
});

const completion = (personId: string, courseId: string) => ({ personId, courseId, completedOn: '2014-05-08', assessment: 'passed' });

/**
 * Suzhou and Fuzhou: a base and a course in each, p-sz in Suzhou and p-fz in Fuzhou with a
 * completion each, and p-move who completes a Suzhou course, transfers to Fuzhou, then completes a
 * Fuzhou course.
 */
export async function seedTwoCities(app: TestApp): Promise<void> {
  await seedBeforeTransfer(app);
  await transferAndAfter(app);
}

/** Everything of `seedTwoCities` up to p-move's transfer. */
export async function seedBeforeTransfer(app: TestApp): Promise<void> {
  await ok(app, principals.szBureau, '/v1/institutions', { institutionId: 'inst-sz', name: '苏州继续教育基地', jurisdiction: 'suzhou', level: 'city', accreditedOn: '2013-01-10' });
  await ok(app, principals.fzBureau, '/v1/institutions', { institutionId: 'inst-fz', name: '福州继续教育基地', jurisdiction: 'fuzhou', level: 'city', accreditedOn: '2013-01-10' });
  await ok(app, feedPrincipals.instSz, '/v1/courses', course('c-sz', 'inst-sz'));
  await ok(app, principals.szBureau, '/v1/courses/c-sz/approval', { approvalNo: 'SZ-1', approvedOn: '2014-04-10' });
  await ok(app, feedPrincipals.instFz, '/v1/courses', course('c-fz', 'inst-fz'));
  await ok(app, principals.fzBureau, '/v1/courses/c-fz/publication', { publishedOn: '2014-04-01' });
  await ok(app, principals.fzBureau, '/v1/courses/c-fz/approval', { approvalNo: 'FZ-1', approvedOn: '2014-04-10' });
  const person = (personId: string, idNumber: string, jurisdiction: string, name: string) =>
    ok(app, principals.employer, '/v1/persons', { personId, idNumber, name, jurisdiction, titleLevel: 'intermediate', employerId: 'emp-1' });
  await person('p-sz', ID_NUMBERS.sz, 'suzhou', '王五');
  await person('p-fz', ID_NUMBERS.fz, 'fuzhou', '林六');
  await person('p-move', ID_NUMBERS.sc, 'suzhou', '陈七');
  await ok(app, feedPrincipals.instSz, '/v1/completions', completion('p-sz', 'c-sz'));
  await ok(app, feedPrincipals.instFz, '/v1/completions', completion('p-fz', 'c-fz'));
  await ok(app, feedPrincipals.instSz, '/v1/completions', completion('p-move', 'c-sz'));
}

/** p-move transfers from Suzhou to Fuzhou and completes a Fuzhou course. */
export async function transferAndAfter(app: TestApp): Promise<void> {
  await ok(app, principals.employer, '/v1/persons/p-move/transfer', { toJurisdiction: 'fuzhou', toEmployerId: 'emp-1', effectiveOn: '2014-06-01' });
  await ok(app, feedPrincipals.instFz, '/v1/completions', completion('p-move', 'c-fz'));
}

/** Courses filed by the Suzhou or Fuzhou base, for the live part of a test: one event each. */
export async function fileCourses(app: TestApp, city: 'sz' | 'fz', from: number, n: number): Promise<void> {
  for (let i = from; i < from + n; i++) {
    await ok(app, city === 'sz' ? feedPrincipals.instSz : feedPrincipals.instFz, '/v1/courses', course(`c-${city}-${i}`, `inst-${city}`));
  }
}
