import t from 'tap';
import { foldPerson } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import type { DomainEvent } from '../../schemas/events.js';
import { checkRole, checkScope, hiddenPerson, knowsYear, mayKnow, notFound, yearHolder } from '../../src/domain/authorize.js';
import type { Principal } from '../../src/security/principal.js';
import { principals } from '../support/app.js';
import { registered } from '../support/domain-facts.js';

/** p1 registered in Zhengzhou with emp-1, moved to Suzhou and emp-2 from 2015-02-01. */
function movedRecord(): PersonRecord {
  const events: DomainEvent[] = [
    registered('p1'),
    { type: 'PersonTransferred', data: { personId: 'p1', fromJurisdiction: 'zhengzhou', fromEmployerId: 'emp-1', toJurisdiction: 'suzhou', toEmployerId: 'emp-2', effectiveOn: '2015-02-01' } },
  ];
  let record: PersonRecord | undefined;
  events.forEach((e, i) => (record = foldPerson(record, e, BigInt(i)).record));
  return record!;
}

const stranger: Principal = { role: 'employer', sub: 'emp-9' };

t.test('rule 1: a role that may never act is refused before any record is looked at', async (t) => {
  t.same(checkRole(principals.auditor, ['bureau']), { ok: false, rejection: { code: 'FORBIDDEN', message: 'role auditor may not do this' } });
  t.equal(checkRole(principals.zzBureau, ['bureau']), undefined);
  t.same(checkScope(principals.szBureau, ['bureau'], { jurisdiction: 'zhengzhou' }), { ok: false, rejection: { code: 'FORBIDDEN', message: "outside the bureau's scope" } }, 'a scope the request itself names');
});

t.test('rule 2: missing and hidden persons get one answer', async (t) => {
  const p = movedRecord();
  t.same(hiddenPerson(stranger, p, 'p1'), notFound.person('p1'), 'an employer that never held the person');
  t.same(hiddenPerson(principals.fzBureau, p, 'p1'), notFound.person('p1'), 'a bureau that never held the person');
  t.same(hiddenPerson(principals.zzBureau, undefined, 'p1'), notFound.person('p1'), 'no such person');
  t.same(notFound.person('p1'), { ok: false, rejection: { code: 'NOT_FOUND', message: 'person p1 not found' } });
  for (const knows of [principals.employer, principals.zzBureau, principals.otherEmployer, principals.szBureau, principals.professional, principals.auditor]) {
    t.equal(hiddenPerson(knows, p, 'p1'), undefined, `${knows.role} ${knows.sub} knows of the person`);
  }
});

t.test('a fact of a year is known to the former employer and bureau only for the years they held', async (t) => {
  const p = movedRecord();
  t.same(yearHolder(p, 2014), { jurisdiction: 'zhengzhou', employerId: 'emp-1' });
  t.same(yearHolder(p, 2015), { jurisdiction: 'suzhou', employerId: 'emp-2' }, 'a year belongs to whoever held the person on its 31 December');
  for (const former of [principals.employer, principals.zzBureau]) {
    t.ok(knowsYear(former, p, 2014), `${former.sub}: its year`);
    t.notOk(knowsYear(former, p, 2015), `${former.sub}: not the year after`);
  }
  t.ok(knowsYear(principals.szBureau, p, 2014), 'the current bureau knows the whole history');
  t.notOk(knowsYear(stranger, p, 2014));
});

t.test('courses and institutions: their bureau, the institution itself and auditors', async (t) => {
  const course = { jurisdiction: 'zhengzhou', institutionId: 'inst-a' };
  t.ok(mayKnow(principals.zzBureau, course));
  t.ok(mayKnow(principals.instA, course));
  t.ok(mayKnow(principals.auditor, course));
  t.notOk(mayKnow(principals.szBureau, course));
  t.notOk(mayKnow(principals.instB, course));
  t.notOk(mayKnow(principals.employer, course));
});
