import t from 'tap';
import { streams } from '../../src/domain/streams.js';
import type { Principal } from '../../src/security/principal.js';
import type { TestApp } from '../support/app.js';
import { principals, testApp } from '../support/app.js';
import { issuedZhengzhouCertificate } from '../support/certificate.js';

/**
 * A caller who may not know a record writes to it: the answer is the one for a record that does not
 * exist (status, code, words, headers), whatever the If-Match, and nothing is written.
 */

const stranger: Principal = { role: 'employer', sub: 'emp-9' };
const NO = 'ZZ-2014-000001';
const NO_SUCH = 'ZZ-2014-000099';

interface Case {
  name: string;
  who: Principal[];
  /** The request on the record that exists; `twin` turns it into the same request on one that does not. */
  url: string;
  payload?: object;
  method?: 'POST' | 'GET';
  /** The record's id in the request, and the id of one that does not exist. */
  id: [string, string];
  /** What the caller is told (for the existing record). */
  answer: { code: 'NOT_FOUND'; message: string };
}

/** Routes that refuse If-Match (they do not tell the person's stream revision): 400, before any record is looked at. */
const NO_IF_MATCH = new Set(['/v1/completions', '/v1/enrolments']);
const ifMatchRefused = { code: 'VALIDATION_FAILED', message: "If-Match is not taken here: the stream written is the person's, whose revision is not the caller's to know", details: [{ path: 'headers.if-match', message: 'not taken by this route' }] };

const person = (id: string) => ({ code: 'NOT_FOUND' as const, message: `person ${id} not found` });

const CASES: Case[] = [
  { name: 'title', who: [principals.fzBureau, stranger], url: '/v1/persons/p1/title', payload: { to: 'deputy-senior', effectiveOn: '2014-07-01' }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'transfer', who: [principals.fzBureau, stranger], url: '/v1/persons/p1/transfer', payload: { toJurisdiction: 'fuzhou', toEmployerId: 'emp-9', effectiveOn: '2014-08-01' }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'assessment', who: [stranger], url: '/v1/persons/p1/years/2014/assessment', payload: { result: 'passed' }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'excuse', who: [principals.fzBureau], url: '/v1/persons/p1/years/2013/excuse', payload: { reason: 'long sick leave' }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'online consent', who: [principals.stBureau], url: '/v1/persons/p1/online-consent', payload: { workingAwayAt: '深圳', consentedOn: '2014-05-01' }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'certificate issue', who: [principals.fzBureau], url: '/v1/persons/p1/years/2014/certificate', payload: {}, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'conversion', who: [principals.otherProfessional, stranger], url: '/v1/conversions', payload: { personId: 'p1', year: 2014, kind: 'other', hours: 5, evidence: [] }, id: ['p1', 'p7'], answer: person('p1') },
  { name: 'employer review', who: [stranger], url: '/v1/credits/p1:c1/reviews', payload: { stage: 'employer', decision: 'approved' }, id: ['p1', 'p7'], answer: { code: 'NOT_FOUND', message: 'credit p1:c1 not found' } },
  { name: 'bureau review', who: [principals.fzBureau], url: '/v1/credits/p1:c1/reviews', payload: { stage: 'bureau', decision: 'approved' }, id: ['p1:c1', 'p1:c9'], answer: { code: 'NOT_FOUND', message: 'credit p1:c1 not found' } },
  { name: 'credit revocation', who: [principals.fzBureau], url: '/v1/credits/p1:c1/revocation', payload: { reason: 'no attendance record' }, id: ['p1', 'p7'], answer: { code: 'NOT_FOUND', message: 'credit p1:c1 not found' } },
  { name: 'stamp', who: [principals.fzBureau], url: `/v1/certificates/${NO}/stamps`, payload: { stampedOn: '2014-06-20', authority: '福州市人社局' }, id: [NO, NO_SUCH], answer: { code: 'NOT_FOUND', message: `certificate ${NO} not found` } },
  { name: 'certificate revocation', who: [principals.fzBureau], url: `/v1/certificates/${NO}/revocation`, payload: { reason: 'lent' }, id: [NO, NO_SUCH], answer: { code: 'NOT_FOUND', message: `certificate ${NO} not found` } },
  { name: 'course approval', who: [principals.szBureau], url: '/v1/courses/c1/approval', payload: { approvalNo: 'X', approvedOn: '2014-04-10' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'course publication', who: [principals.szBureau], url: '/v1/courses/c1/publication', payload: { publishedOn: '2014-04-01' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'course objection', who: [principals.szBureau], url: '/v1/courses/c1/objections', payload: { objectedOn: '2014-04-02', note: 'x' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'course cancellation', who: [principals.szBureau, principals.instB], url: '/v1/courses/c1/cancellation', payload: { cancelledOn: '2014-06-01', reason: 'too few students' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'enrolment', who: [principals.instB], url: '/v1/enrolments', payload: { personId: 'p1', courseId: 'c1', enrolledOn: '2014-05-01', purpose: 'promotion' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'completion', who: [principals.instB], url: '/v1/completions', payload: { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' }, id: ['c1', 'c9'], answer: { code: 'NOT_FOUND', message: 'course c1 not found' } },
  { name: 'withdrawal', who: [principals.szBureau], url: '/v1/institutions/inst-a/withdrawal', payload: { effectiveOn: '2014-07-01', reason: 'yearly review failed' }, id: ['inst-a', 'inst-z'], answer: { code: 'NOT_FOUND', message: 'institution inst-a not found' } },
  { name: 'credit file', who: [principals.szBureau], url: '/v1/institutions/inst-a/credit-file', payload: { kind: 'warning', description: 'no attendance records kept', effectiveOn: '2014-06-01' }, id: ['inst-a', 'inst-z'], answer: { code: 'NOT_FOUND', message: 'institution inst-a not found' } },
  { name: 'audit history', who: [principals.fzBureau], method: 'GET', url: '/v1/audit/persons/p1/history', id: ['p1', 'p7'], answer: { code: 'NOT_FOUND', message: 'no events for person p1' } },
  { name: 'audit history as of a date', who: [principals.fzBureau], method: 'GET', url: '/v1/audit/persons/p1/history?asOf=2014-06-01', id: ['p1', 'p7'], answer: { code: 'NOT_FOUND', message: 'no events for person p1 as of 2014-06-01' } },
];

const twin = (value: string, [real, none]: [string, string]) => value.replaceAll(real, none);

async function send(app: TestApp, p: Principal, c: Case, headers: Record<string, string>, id?: [string, string]) {
  const url = id ? twin(c.url, id) : c.url;
  const payload = c.payload && id ? (JSON.parse(twin(JSON.stringify(c.payload), id)) as object) : c.payload;
  return app.as(p, { method: c.method ?? 'POST', url, headers, ...(payload ? { payload } : {}) });
}

async function revisionOf(app: TestApp, streamId: string) {
  return String((await app.store.readStream(streamId)).at(-1)!.revision);
}

t.test('an out-of-scope caller is answered for a record that exists exactly as for one that does not, and nothing is written', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await issuedZhengzhouCertificate(app, { stamp: false });
  // If-Match with the record's true revision gets past a revision check; with a stale one, the check's words would name the revision.
  const p1 = await revisionOf(app, streams.person('p1'));
  const ifMatches: Record<string, string>[] = [{}, { 'if-match': `"${p1}"` }, { 'if-match': '"0"' }];
  const head = await app.store.headPosition();
  for (const c of CASES) {
    for (const p of c.who) {
      for (const headers of c.method === 'GET' ? [{}] : ifMatches) {
        const label = `${c.name} by ${p.role} ${p.sub}${headers['if-match'] ? ` with If-Match ${headers['if-match']}` : ''}`;
        const real = await send(app, p, c, headers);
        const none = await send(app, p, c, headers, c.id);
        const refused = headers['if-match'] !== undefined && NO_IF_MATCH.has(c.url);
        t.same([real.statusCode, real.json()], refused ? [400, { error: ifMatchRefused }] : [404, { error: c.answer }], label);
        t.same([real.statusCode, twin(real.body, c.id), Object.keys(real.headers).sort()], [none.statusCode, none.body, Object.keys(none.headers).sort()], `${label}: the same as for ${c.id[1]}`);
      }
    }
  }
  const batch = async (courseId: string) => app.as(principals.instB, { method: 'POST', url: '/v1/completions/batch', payload: { items: [{ personId: 'p1', courseId, completedOn: '2014-05-08', assessment: 'passed' }] } });
  const [real, none] = [await batch('c1'), await batch('c9')];
  t.same(real.json().results, [{ index: 0, status: 'rejected', error: { code: 'NOT_FOUND', message: 'course c1 not found' } }], "a batch item on another institution's course");
  t.same(twin(real.body, ['c1', 'c9']), none.body, 'as one on no such course');
  t.equal(await app.store.headPosition(), head, 'no refusal wrote anything');
});

t.test('a role that may never do the action is told so, whether or not the record exists', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await issuedZhengzhouCertificate(app, { stamp: false });
  const head = await app.store.headPosition();
  const tries: [Principal, string, object][] = [
    [principals.auditor, '/v1/persons/p1/transfer', { toJurisdiction: 'fuzhou', toEmployerId: 'emp-9', effectiveOn: '2014-08-01' }],
    [principals.professional, '/v1/completions', { personId: 'p1', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' }],
    [principals.instA, '/v1/persons/p1/years/2014/certificate', {}],
    [principals.employer, `/v1/certificates/${NO}/revocation`, { reason: 'lent' }],
  ];
  for (const [p, url, payload] of tries) {
    const real = await app.as(p, { method: 'POST', url, payload });
    const none = await app.as(p, { method: 'POST', url: url.replace('p1', 'p7').replace(NO, NO_SUCH), payload: JSON.parse(JSON.stringify(payload).replace('p1', 'p7')) as object });
    t.same([real.statusCode, real.json().error.code], [403, 'FORBIDDEN'], `${p.role} on ${url}`);
    t.same([none.statusCode, none.body], [real.statusCode, real.body], `${p.role} on ${url}: the same for no such record`);
  }
  t.equal(await app.store.headPosition(), head, 'nothing was written');
});

t.test('a completion or enrolment for no such person is 404, and with If-Match 400 as for one that exists', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await issuedZhengzhouCertificate(app, { stamp: false });
  const head = await app.store.headPosition();
  for (const [url, payload] of [
    ['/v1/completions', { personId: 'p7', courseId: 'c1', completedOn: '2014-05-08', assessment: 'passed' }],
    ['/v1/enrolments', { personId: 'p7', courseId: 'c1', enrolledOn: '2014-05-01', purpose: 'promotion' }],
  ] as const) {
    const res = await app.as(principals.instA, { method: 'POST', url, payload });
    t.same([res.statusCode, res.json()], [404, { error: { code: 'NOT_FOUND', message: 'person p7 not found' } }], url);
    const [none, real] = await Promise.all(['p7', 'p1'].map((personId) => app.as(principals.instA, { method: 'POST', url, payload: { ...payload, personId }, headers: { 'if-match': '"0"' } })));
    t.same([none!.statusCode, none!.json()], [400, { error: ifMatchRefused }], `${url} with If-Match`);
    t.same([real!.statusCode, real!.body], [none!.statusCode, none!.body], `${url} with If-Match: the same for p1, who exists`);
  }
  t.equal(await app.store.headPosition(), head, 'nothing was written');
});

t.test('an id another bureau holds is refused as taken, without saying where or what it is', async (t) => {
  const app = await testApp();
  t.teardown(app.close);
  await issuedZhengzhouCertificate(app, { stamp: false });
  await app.as(principals.zzBureau, { method: 'POST', url: '/v1/employers', payload: { employerId: 'emp-1', name: '郑州第一医院', type: 'public-institution', jurisdiction: 'zhengzhou' } });
  const institution = await app.as(principals.szBureau, { method: 'POST', url: '/v1/institutions', payload: { institutionId: 'inst-a', name: '苏州基地', jurisdiction: 'suzhou', level: 'city', accreditedOn: '2014-01-02' } });
  t.same([institution.statusCode, institution.json()], [409, { error: { code: 'CONFLICT', message: 'institution id inst-a is already taken' } }]);
  const employer = await app.as(principals.szBureau, { method: 'POST', url: '/v1/employers', payload: { employerId: 'emp-1', name: '苏州医院', type: 'enterprise', jurisdiction: 'suzhou' } });
  t.same([employer.statusCode, employer.json()], [409, { error: { code: 'CONFLICT', message: 'employer id emp-1 is already taken' } }]);
  const own = await app.as(principals.zzBureau, { method: 'POST', url: '/v1/employers', payload: { employerId: 'emp-1', name: '郑州第一医院', type: 'enterprise', jurisdiction: 'zhengzhou' } });
  t.same([own.statusCode, own.json().error.message], [409, 'employer emp-1 is already registered as a public-institution'], 'its own bureau is told what it registered');
});
