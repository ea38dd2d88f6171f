import type { CertificateView } from '../../projections/certificate-state.js';
import { yearsOf } from '../../projections/person.js';
import { personYearState } from '../../projections/person-year-state.js';
import type { RuleOptions } from '../rules/rule-set.js';
import type { EventStore, JsonObject } from '../store/port.js';
import { endOfBeijingDay } from '../time/clock.js';
import { replayPerson } from './replay.js';

export interface AuditEvent {
  position: string;
  revision: string;
  type: string;
  recordedAt: string;
  actor: JsonObject | null;
  data: JsonObject;
  prevHash: string;
  hash: string;
}

export interface AuditYear {
  year: number;
  jurisdiction: string;
  compliant: boolean;
  counted: { public: number; professional: number; elective: number; total: number };
  certificate: CertificateView | null;
}

export interface AuditHistory {
  personId: string;
  asOf: { date?: string; position?: string };
  events: AuditEvent[];
  state: { years: AuditYear[] };
}

/** `YYYY-MM-DD` (end of that Beijing day) or a position. */
export function parseAsOf(asOf: string | undefined): { position?: bigint; before?: Date; label: AuditHistory['asOf'] } | undefined {
  if (asOf === undefined) return { label: {} };
  if (/^\d{4}-\d{2}-\d{2}$/.test(asOf) && !Number.isNaN(Date.parse(asOf))) return { before: endOfBeijingDay(asOf), label: { date: asOf } };
  if (/^\d{1,20}$/.test(asOf)) return { position: BigInt(asOf), label: { position: asOf } };
  return undefined;
}

/**
 * Every event of a person up to a moment, with actor, time, position and hashes, and the years and
 * certificates as they stood then: replayed from the events with the same pure folds and rules,
 * not read from today's read models.
 */
export async function personHistory(store: EventStore, personId: string, asOf: ReturnType<typeof parseAsOf> & object, rules?: RuleOptions): Promise<AuditHistory | undefined> {
  const { record, registry, events } = await replayPerson(store, personId, { ...(asOf.position !== undefined ? { position: asOf.position } : {}), ...(asOf.before ? { before: asOf.before } : {}) });
  if (events.length === 0) return undefined;
  const years: AuditYear[] = record
    ? yearsOf(record).map((year) => {
        const { evaluation, current } = personYearState(record, registry, year, rules);
        return {
          year,
          jurisdiction: evaluation.jurisdiction,
          compliant: evaluation.compliant,
          counted: evaluation.counted,
          certificate: current?.view ?? null,
        };
      })
    : [];
  return {
    personId,
    asOf: asOf.label,
    events: events.map((e) => ({
      position: e.position.toString(),
      revision: e.revision.toString(),
      type: e.type,
      recordedAt: e.recordedAt,
      actor: (e.metadata.actor as JsonObject | undefined) ?? null,
      data: e.data,
      prevHash: e.prevHash,
      hash: e.hash,
    })),
    state: { years },
  };
}
