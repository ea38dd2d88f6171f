import { JURISDICTIONS } from '../../schemas/common.js';
import type { Jurisdiction } from '../../schemas/common.js';
import type { RecordedEvent } from '../store/port.js';

/** A set of jurisdictions as bits (JURISDICTIONS order): an event's and a consumer's meet when they share a bit. */
export type JurisdictionMask = number;

const BIT = new Map<string, number>(JURISDICTIONS.map((j, i) => [j, 1 << i]));

export function maskOf(jurisdictions: Iterable<string>): JurisdictionMask {
  let m = 0;
  for (const j of jurisdictions) m |= BIT.get(j) ?? 0;
  return m;
}

export function jurisdictionsOf(mask: JurisdictionMask): Jurisdiction[] {
  return JURISDICTIONS.filter((j) => (mask & BIT.get(j)!) !== 0);
}

/** What the scope needs of an event. */
export type ScopedEvent = Pick<RecordedEvent, 'streamId' | 'revision' | 'type' | 'data'>;

/** Reads a stream's events from a revision (inclusive), at most `maxCount`. */
export type ReadStreamRange = (streamId: string, fromRevision: bigint, maxCount: number) => Promise<ScopedEvent[]>;

type Kind = 'person' | 'institution' | 'course' | 'certseq' | 'catalogue' | 'calendar' | 'none';

function kindOf(streamId: string): Kind {
  if (streamId.startsWith('person-')) return 'person';
  if (streamId.startsWith('institution-')) return 'institution';
  if (streamId.startsWith('course-')) return 'course';
  if (streamId.startsWith('certseq-')) return 'certseq';
  if (streamId.startsWith('catalogue-')) return 'catalogue';
  if (streamId.startsWith('calendar-')) return 'calendar';
  return 'none';
}

/** Every jurisdiction: the holiday tables are the whole mainland's, every rule set counts working days with them. */
const EVERY = maskOf(JURISDICTIONS);

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * The jurisdictions an event itself names, and the jurisdiction its stream is in from then on
 * (`next`): registration, accreditation and filing set it, a transfer moves it and belongs to both
 * ends. Undefined for an event that names none: it is in the stream's jurisdiction of the moment.
 */
function ownScope(kind: Kind, e: ScopedEvent): { mask: JurisdictionMask; next: JurisdictionMask } | undefined {
  const d = e.data;
  switch (e.type) {
    case 'PersonRegistered':
    case 'InstitutionAccredited':
    case 'CourseFiled': {
      if (kind === 'certseq' || kind === 'none') return undefined;
      const m = maskOf([str(d.jurisdiction)]);
      return { mask: m, next: m };
    }
    case 'PersonTransferred':
      if (kind !== 'person') return undefined;
      return { mask: maskOf([str(d.fromJurisdiction), str(d.toJurisdiction)]), next: maskOf([str(d.toJurisdiction)]) };
    default:
      return undefined;
  }
}

/** A stream's jurisdiction through its history, known up to revision `knownTo`. */
interface Timeline {
  knownTo: bigint;
  /** Ascending by revision: from `revision` on, the stream is in `mask`. */
  changes: { revision: bigint; mask: JurisdictionMask }[];
}

/** Institutions and courses never change jurisdiction: their timeline is known for every revision. */
const FOREVER = BigInt(Number.MAX_SAFE_INTEGER);

function maskBefore(t: Timeline, revision: bigint): JurisdictionMask {
  let m = 0;
  for (const c of t.changes) {
    if (c.revision >= revision) break;
    m = c.mask;
  }
  return m;
}

/** Folds the event at revision `t.knownTo + 1` into the timeline. */
function extend(t: Timeline, kind: Kind, e: ScopedEvent): void {
  if (t.knownTo !== e.revision - 1n) return;
  const own = ownScope(kind, e);
  if (own && (t.changes.length === 0 || t.changes[t.changes.length - 1]!.mask !== own.next)) t.changes.push({ revision: e.revision, mask: own.next });
  t.knownTo = kind === 'person' ? e.revision : FOREVER;
}

/**
 * Which jurisdictions an event of the ledger belongs to, decided from what the ledger knew at the
 * event's position: the event itself and its stream's earlier events, never later ones.
 *
 * - `person-…`: the person's jurisdiction when the event was written (registration sets it, a
 *   transfer moves it); a transfer belongs to both the old and the new jurisdiction.
 * - `institution-…`, `course-…`: the jurisdiction they were accredited or filed in (it never changes).
 * - `certseq-{jurisdiction}-{year}`: the jurisdiction the reserved number names.
 * - `catalogue-{jurisdiction}`: that bureau's catalogues (its subjects are what its persons' hours
 *   are judged by); `calendar-{year}`: every jurisdiction (a year's holidays and 调休 count for all).
 * - anything else (ID-number reservations, which name no jurisdiction when written, and streams a
 *   later version may add): none; only an unscoped reader (an auditor) receives them.
 *
 * One index is shared by every consumer: a stream's timeline, once known up to a revision, answers
 * for any consumer at any position. A stream first met past its start (a consumer resuming) is read
 * up to there once; timelines are kept for the `capacity` most recently used streams.
 */
export class ScopeIndex {
  private readonly timelines = new Map<string, Timeline>();
  private readonly filling = new Map<string, Promise<void>>();
  /** Stream reads made to learn a timeline; a consumer reading from the start makes none. */
  reads = 0;

  constructor(
    private readonly readRange: ReadStreamRange,
    private readonly capacity = 100_000,
  ) {}

  /** The event's jurisdictions; a promise only when its stream's earlier events must be read first. */
  maskOf(e: ScopedEvent): JurisdictionMask | Promise<JurisdictionMask> {
    const kind = kindOf(e.streamId);
    if (kind === 'none') return 0;
    if (kind === 'certseq') return e.type === 'CertificateNumberReserved' ? maskOf([str(e.data.jurisdiction)]) : 0;
    if (kind === 'catalogue') return maskOf([str(e.data.jurisdiction)]);
    if (kind === 'calendar') return EVERY;
    const t = this.known(e.streamId, e.revision);
    if (t) return this.answer(t, kind, e);
    return this.fill(e.streamId, kind, e.revision).then((filled) => this.answer(filled, kind, e));
  }

  private answer(t: Timeline, kind: Kind, e: ScopedEvent): JurisdictionMask {
    const before = maskBefore(t, e.revision);
    extend(t, kind, e);
    return ownScope(kind, e)?.mask ?? before;
  }

  /** The stream's timeline when it answers for `revision` (known up to the revision before). */
  private known(streamId: string, revision: bigint): Timeline | undefined {
    let t = this.timelines.get(streamId);
    if (!t) {
      if (revision !== 0n) return undefined;
      t = this.fresh(streamId);
    }
    if (t.knownTo < revision - 1n) return undefined;
    // Most recently used last: a Map keeps insertion order, so the first key is the one to drop.
    this.timelines.delete(streamId);
    this.timelines.set(streamId, t);
    return t;
  }

  private fresh(streamId: string): Timeline {
    const t: Timeline = { knownTo: -1n, changes: [] };
    this.timelines.set(streamId, t);
    if (this.timelines.size > this.capacity) this.timelines.delete(this.timelines.keys().next().value!);
    return t;
  }

  /** Reads the stream's events before `revision` that the timeline does not know yet. */
  private async fill(streamId: string, kind: Kind, revision: bigint): Promise<Timeline> {
    for (;;) {
      const running = this.filling.get(streamId);
      if (!running) break;
      await running.catch(() => undefined);
    }
    const t = this.timelines.get(streamId) ?? this.fresh(streamId);
    if (t.knownTo >= revision - 1n) return t;
    const from = t.knownTo + 1n;
    // The jurisdiction of an institution or a course is in its first event.
    const count = kind === 'person' ? Number(revision - from) : 1;
    const work = (async () => {
      this.reads++;
      for (const e of await this.readRange(streamId, from, count)) extend(t, kind, e);
    })();
    this.filling.set(streamId, work);
    try {
      await work;
    } finally {
      this.filling.delete(streamId);
    }
    if (!this.timelines.has(streamId)) this.timelines.set(streamId, t);
    return t;
  }
}
