import t from 'tap';
import type { Test } from 'tap';
import { decodeQr } from '../../src/certificates/content.js';
import { HolderBudget } from '../../src/certificates/holder-budget.js';
import { isValidIdNumber } from '../../src/security/id-number.js';
import type { TestApp } from '../support/app.js';
import { FIXED_NOW, principals, testApp } from '../support/app.js';
import { ID_NUMBERS, ok, seedZhengzhou } from '../support/fixtures.js';

/** p1 holds a stamped certificate, ZZ-2014-000001. */
async function certified() {
  const app = await testApp();
  await seedZhengzhou(app);
  for (const courseId of ['c1', 'c2', 'c-pub']) await ok(app, principals.instA, '/v1/completions', { personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' });
  const issued = await ok(app, principals.zzBureau, '/v1/persons/p1/years/2014/certificate', {});
  const stamp = await ok(app, principals.zzBureau, `/v1/certificates/${issued.certificateNumber}/stamps`, { stampedOn: '2014-06-20', authority: '郑州市人社局' });
  await app.read.runner.waitForPosition(BigInt(stamp.position), 2000);
  return { app, no: issued.certificateNumber as string, qr: issued.qr as string };
}

/** The ID numbers a guesser who knows the area code and the birth date must try: 1,000 sequence numbers, each with its check character. */
function candidates(prefix14: string): string[] {
  const out: string[] = [];
  for (let seq = 0; seq < 1000; seq++) {
    const body = `${prefix14}${String(seq).padStart(3, '0')}`;
    const id = [...'0123456789X'].map((c) => body + c).find(isValidIdNumber);
    if (id) out.push(id);
  }
  return out;
}

const ALLOWED_INTERVAL_MS = 100; // 600 a minute, the default per-client limit
const DAY = 86_400_000;

/**
 * A guesser that sends one guess every 100 ms (the allowed rate) and, when told to wait, waits
 * exactly as long as Retry-After says; it stops when a guess is authentic or when `days` are up.
 * Returns how many guesses the ledger actually judged.
 */
async function guess(t: Test, app: TestApp, no: string, order: string[], days: number) {
  let at = FIXED_NOW.getTime();
  const end = at + days * DAY;
  let judged = 0;
  let requests = 0;
  for (const candidate of order) {
    let answered = false;
    while (!answered) {
      if (at >= end) return { judged, requests, found: false };
      app.setNow(new Date(at));
      const res = await app.app.inject({ url: `/v1/verify/${no}?holder=${candidate}`, remoteAddress: '203.0.113.9' });
      requests++;
      if (res.statusCode === 429) {
        at += Number(res.headers['retry-after']) * 1000;
        continue;
      }
      t.equal(res.statusCode, 200);
      answered = true;
      judged++;
      at += ALLOWED_INTERVAL_MS;
      if (res.json().verdict === 'authentic') return { judged, requests, found: true };
    }
  }
  return { judged, requests, found: false };
}

// The stated bound (also in the README): a guesser at the allowed rate who knows the certificate
// number, the area code and the birth date gets at most 2% of the candidates judged in 30 days and
// under 5% in a year, so its chance of recovering the ID number is below 5% in a year.
const STATED_SUCCESS_RATE_30_DAYS = 0.02;
const STATED_SUCCESS_RATE_YEAR = 0.05;

t.test('a scripted guesser at the allowed rate recovers the ID number with a chance below the stated rate', async (t) => {
  const { app, no } = await certified();
  t.teardown(app.close);
  const all = candidates(ID_NUMBERS.p1.slice(0, 14));
  t.equal(all.length, 1000);
  const truth = all.indexOf(ID_NUMBERS.p1);
  t.ok(truth > 100, 'the real number is not among the first guesses of an ascending search');
  const month = await guess(t, app, no, all, 30);
  t.notOk(month.found);
  t.ok(month.judged / all.length <= STATED_SUCCESS_RATE_30_DAYS, `30 days: ${month.judged} of ${all.length} guesses judged (${month.requests} requests)`);
  const rest = all.slice(month.judged);
  const year = await guess(t, app, no, rest, 335);
  const judged = month.judged + year.judged;
  t.notOk(year.found);
  t.ok(judged / all.length < STATED_SUCCESS_RATE_YEAR, `a year: ${judged} of ${all.length} guesses judged`);
  t.ok(judged >= 5, 'the free checks were judged: the budget counts, it does not refuse everything');
});

t.test('the guesser does find the number when it is among the guesses the budget judges, so the bound above is what stops it', async (t) => {
  const { app, no } = await certified();
  t.teardown(app.close);
  const all = candidates(ID_NUMBERS.p1.slice(0, 14)).filter((c) => c !== ID_NUMBERS.p1);
  const run = await guess(t, app, no, [...all.slice(0, 7), ID_NUMBERS.p1], 1);
  t.ok(run.found);
  t.equal(run.judged, 8);
});

t.test('not-found and a wrong holder are the same answer, so the verdicts do not tell which numbers exist', async (t) => {
  const { app, no } = await certified();
  t.teardown(app.close);
  const numbers = [no, 'ZZ-2014-000002', 'ZZ-2014-000999', 'ZZ-2013-000001'];
  const answers = [];
  for (const n of numbers) {
    const byName = await app.app.inject({ url: `/v1/verify/${n}?holder=李四` });
    const byId = await app.app.inject({ url: `/v1/verify/${n}?holder=${ID_NUMBERS.p2}` });
    const byDigest = await app.app.inject({ url: `/v1/verify/${n}?holder=李四&digest=${'a'.repeat(64)}` });
    answers.push(
      [byName, byId, byDigest].map((r) => ({ status: r.statusCode, body: r.body.replace(n, '#'), headers: Object.keys(r.headers).sort(), length: r.body.length - n.length })),
    );
  }
  for (const a of answers.slice(1)) t.same(a, answers[0]);
  t.same(JSON.parse(answers[0]![0]!.body), { verdict: 'not-found', certificateNumber: '#' });

  // The back-off starts after the same count for a number that exists and one that does not.
  const lockedAfter = async (n: string) => {
    for (let i = 1; i <= 10; i++) if ((await app.app.inject({ url: `/v1/verify/${n}?holder=王${i}` })).statusCode === 429) return i;
    return 0;
  };
  t.same([await lockedAfter(no), await lockedAfter('ZZ-2014-000002')], [3, 3], 'an issued and a never-issued number: 2 more failures each (5 in all), then 429');
  t.equal(await lockedAfter('ZZ-2014-000777'), 6, 'a fresh number: 5 failures, then 429');
});

t.test('a number in back-off does not lock out a verifier who scans the real certificate, nor the holder with the printed digest', async (t) => {
  const { app, no, qr } = await certified();
  t.teardown(app.close);
  for (let i = 0; i < 8; i++) await app.app.inject({ url: `/v1/verify/${no}?holder=${ID_NUMBERS.p2}` });
  const locked = await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰` });
  t.same([locked.statusCode, locked.json().error.code], [429, 'RATE_LIMITED'], 'even the right holder, by number alone, waits: a guess then tells nothing');
  t.equal(locked.headers['retry-after'], '60', 'a minute, and the requests during it counted no further failures');
  t.equal((await app.app.inject({ url: `/v1/verify?qr=${encodeURIComponent(qr)}&holder=张三丰` })).json().verdict, 'authentic');
  t.equal((await app.app.inject({ url: `/v1/verify/${no}?holder=张三丰&digest=${decodeQr(qr)!.digest}` })).json().verdict, 'authentic');
});

t.test('the budget: free failures, then a back-off doubling from a minute up to 30 days, forgotten after 30 quiet days', async (t) => {
  const b = new HolderBudget({ free: 3, maxEntries: 2 });
  const at = 1_000_000;
  b.fail('a', at);
  b.fail('a', at);
  t.equal(b.retryAfter('a', at), 0, 'two failures: still free');
  b.fail('a', at);
  t.equal(b.retryAfter('a', at), 60, 'the third starts a minute');
  b.fail('a', at + 60_000);
  t.equal(b.retryAfter('a', at + 60_000), 120, 'then two');
  for (let i = 0; i < 30; i++) b.fail('a', at);
  t.equal(b.retryAfter('a', at), 30 * 86_400, 'never more than 30 days');
  t.equal(b.retryAfter('a', at + 60 * DAY - 1), 0, 'free again at the end of the back-off…');
  t.equal(b.size, 1, '…but still remembered');
  t.equal(b.retryAfter('a', at + 60 * DAY), 0);
  t.equal(b.size, 0, 'forgotten 30 days after the back-off ended');
  b.fail('x', at);
  b.fail('y', at);
  b.fail('z', at);
  t.equal(b.size, 2, 'bounded: the number that failed longest ago is dropped');
});
