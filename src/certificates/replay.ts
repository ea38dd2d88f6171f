import { foldPerson, yearsOf } from '../../projections/person.js';
import type { PersonRecord } from '../../projections/person.js';
import { emptyRegistry, foldRegistry } from '../../projections/registry.js';
import type { Registry } from '../../projections/registry.js';
import { decodeEvent } from '../../schemas/upcast.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore, RecordedEvent } from '../store/port.js';

export interface Replayed {
  record: PersonRecord | undefined;
  registry: Registry;
  events: RecordedEvent[];
  revision: bigint | 'no_stream';
}

async function readOrEmpty(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(streamId);
  } catch (err) {
    if (err instanceof StreamNotFound) return [];
    throw err;
  }
}

/**
 * A person's record and the registry entries it refers to, replayed from the events with the same
 * pure folds as the read side (not read from the read models, which may lag). `until` keeps only
 * events up to a position or an instant: the state as it stood then.
 */
/** The courses named and their institutions, folded from their streams (events kept by `keep`). */
export async function loadRegistry(store: EventStore, courseIds: Iterable<string>, keep: (e: RecordedEvent) => boolean = () => true): Promise<Registry> {
  const registry = emptyRegistry();
  const institutionIds = new Set<string>();
  for (const courseId of courseIds) {
    for (const e of (await readOrEmpty(store, `course-${courseId}`)).filter(keep)) {
      const d = decodeEvent(e);
      if (d) foldRegistry(registry, d);
      if (d?.type === 'CourseFiled') institutionIds.add(d.data.institutionId);
    }
  }
  for (const id of institutionIds) {
    for (const e of (await readOrEmpty(store, `institution-${id}`)).filter(keep)) {
      const d = decodeEvent(e);
      if (d) foldRegistry(registry, d);
    }
  }
  return registry;
}

/**
 * The bureaus' data the rules read (catalogues of the jurisdictions, holiday tables of the years),
 * folded into `registry` from their streams (events kept by `keep`).
 */
export async function loadBureauData(
  store: EventStore,
  registry: Registry,
  scope: { jurisdictions: Iterable<string>; years: Iterable<number> },
  keep: (e: RecordedEvent) => boolean = () => true,
): Promise<Registry> {
  const streams = [...new Set(scope.jurisdictions)].map((j) => `catalogue-${j}`).concat([...new Set(scope.years)].map((y) => `calendar-${y}`));
  for (const streamId of streams) {
    for (const e of (await readOrEmpty(store, streamId)).filter(keep)) {
      const d = decodeEvent(e);
      if (d) foldRegistry(registry, d);
    }
  }
  return registry;
}

/** Where a person's years may be judged and which holiday years they touch: their jurisdictions, and each year with the next. */
export function bureauDataScope(record: PersonRecord, years: number[]): { jurisdictions: string[]; years: number[] } {
  return {
    jurisdictions: [record.jurisdiction, ...record.transfers.flatMap((t) => [t.fromJurisdiction, t.toJurisdiction])],
    years: years.flatMap((y) => [y, y + 1]),
  };
}

export async function replayPerson(store: EventStore, personId: string, until?: { position?: bigint; before?: Date }): Promise<Replayed> {
  const keep = (e: RecordedEvent) =>
    (until?.position === undefined || e.position <= until.position) && (until?.before === undefined || Date.parse(e.recordedAt) < until.before.getTime());
  const all = await readOrEmpty(store, `person-${personId}`);
  const events = all.filter(keep);
  let record: PersonRecord | undefined;
  const courseIds = new Set<string>();
  for (const e of events) {
    const d = decodeEvent(e);
    if (!d) continue;
    record = foldPerson(record, d, e.position).record;
    if (d.type === 'CompletionRecorded') courseIds.add(d.data.courseId);
  }
  const registry = await loadRegistry(store, courseIds, keep);
  if (record) await loadBureauData(store, registry, bureauDataScope(record, yearsOf(record)), keep);
  return { record, registry, events, revision: all.length > 0 ? all[all.length - 1]!.revision : 'no_stream' };
}
