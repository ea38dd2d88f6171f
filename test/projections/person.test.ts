import t from 'tap';
import { foldPerson } from '../../projections/person.js';
import { CompletionRecorded } from '../../schemas/events.js';
import type { EventData } from '../../schemas/events.js';

const registered = foldPerson(
  undefined,
  {
    type: 'PersonRegistered',
    data: {
      personId: 'p1',
      idNumberHash: 'a'.repeat(64),
      idNumberMasked: '4101**********0643',
      name: '张三',
      jurisdiction: 'zhengzhou',
      titleLevel: 'junior',
      employerId: 'e1',
      registeredOn: '2013-12-01',
    },
  },
  0n,
).record;

t.test('a completion keeps every field its event carries (the fold copies them one by one)', async (t) => {
  const data: EventData<'CompletionRecorded'> = {
    creditId: 'p1:c1',
    personId: 'p1',
    courseId: 'c1',
    institutionId: 'i1',
    category: 'public',
    completedOn: '2014-05-08',
    assessment: 'passed',
    hours: 26,
    proofNumber: '0200000005',
    purpose: 'appointment',
    targetTitle: 'intermediate',
    creditYear: 2014,
    recordedOn: '2014-05-10',
  };
  const schemaFields = Object.keys(CompletionRecorded.shape).filter((k) => k !== 'personId').sort();
  t.same(Object.keys(data).filter((k) => k !== 'personId').sort(), schemaFields, 'the sample sets every field of the schema');
  const { record, years } = foldPerson(structuredClone(registered), { type: 'CompletionRecorded', data }, 1n);
  const credit = record!.credits['p1:c1']!;
  const { personId: _p, ...expected } = data;
  t.same(credit, { source: 'completion', ...expected, revoked: false, reviews: [] });
  t.same(years, [2014], 'the credit year is re-evaluated');
  const bare = foldPerson(structuredClone(registered), { type: 'CompletionRecorded', data: { ...data, proofNumber: undefined, purpose: undefined } as EventData<'CompletionRecorded'> }, 1n);
  t.notOk('proofNumber' in bare.record!.credits['p1:c1']! || 'purpose' in bare.record!.credits['p1:c1']!, 'absent optional fields stay absent');
});
