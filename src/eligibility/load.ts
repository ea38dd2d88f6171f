import type { PersonRecord } from '../../projections/person.js';
import { foldPerson, yearsOf } from '../../projections/person.js';
import type { Registry } from '../../projections/registry.js';
import { bureauDataScope, loadBureauData, loadRegistry } from '../certificates/replay.js';
import { evolveEmployer } from '../domain/commands/employers.js';
import { loadIndustryRules } from '../domain/commands/industry-rules.js';
import { load } from '../domain/handle.js';
import { streams } from '../domain/streams.js';
import type { EventStore } from '../store/port.js';
import type { EmployerFact } from './gates.js';

/** The employers a person worked for: the current one and those a transfer names. */
export function employerIds(p: PersonRecord): string[] {
  return [...new Set([p.employerId, ...p.transfers.flatMap((t) => [t.fromEmployerId, t.toEmployerId])])];
}

const completedCourses = (p: PersonRecord) => Object.values(p.credits).flatMap((c) => (c.source === 'completion' ? [c.courseId] : []));

/** What a gate needs besides the person's record, folded from the events (not from read models that may lag). */
export async function loadGateContext(store: EventStore, p: PersonRecord): Promise<{ registry: Registry; employers: Map<string, EmployerFact> }> {
  const registry = await loadIndustryRules(store, await loadRegistry(store, completedCourses(p)), p);
  await loadBureauData(store, registry, bureauDataScope(p, yearsOf(p)));
  const employers = new Map<string, EmployerFact>();
  for (const id of employerIds(p)) {
    const { state } = await load(store, streams.employer(id), () => undefined as EmployerFact | undefined, evolveEmployer);
    if (state) employers.set(id, state);
  }
  return { registry, employers };
}

/** A person's record folded from the person's stream, as the command side sees it. */
export async function loadPersonRecord(store: EventStore, personId: string): Promise<PersonRecord | undefined> {
  return (await load<PersonRecord | undefined>(store, streams.person(personId), () => undefined, (s, e, recorded) => foldPerson(s, e, recorded.position).record)).state;
}
