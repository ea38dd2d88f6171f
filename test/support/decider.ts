import { randomUUID } from 'node:crypto';
import type { Test } from 'tap';
import { SCHEMA_VERSIONS } from '../../schemas/events.js';
import type { DomainEvent } from '../../schemas/events.js';
import type { CommandContext } from '../../src/domain/handle.js';
import type { Outcome, RejectionCode } from '../../src/domain/result.js';
import type { Principal } from '../../src/security/principal.js';
import { MemoryEventStore } from '../../src/store/memory/memory-store.js';
import type { JsonObject } from '../../src/store/port.js';

/** A stream id and the events already in it. */
export type Given = [streamId: string, events: DomainEvent[]];

export interface Expectation {
  /** The events the command appended (type and data), in order, across all streams. */
  thenEvents(expected: DomainEvent[], message?: string): Promise<void>;
  /** The command was refused with this code (and rule id); nothing was appended. */
  thenRejects(code: RejectionCode, ruleId?: string, message?: string): Promise<void>;
}

const NOW = new Date('2014-06-20T02:00:00Z');

/**
 * given(events) → when(command) → then(events | rejection), over the real handlers and an
 * in-memory store: the decider's loop (load, fold, decide, append) is exercised as it runs in the
 * server, and the only observable effects are the appended events or the typed refusal.
 */
export function scenario(t: Test, actor: Principal, given: Given[] = [], now = NOW) {
  return {
    when(command: (ctx: CommandContext) => Promise<Outcome>): Expectation {
      const run = async () => {
        const store = new MemoryEventStore(() => now);
        for (const [streamId, events] of given) {
          await store.append(
            streamId,
            events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data as JsonObject, metadata: { actor: { role: 'bureau', id: 'seed' }, schemaVersion: SCHEMA_VERSIONS[e.type] } })),
          );
        }
        const head = await store.headPosition();
        const outcome = await command({ store, clock: () => now, actor });
        const appended: DomainEvent[] = [];
        for await (const e of store.readAll({ fromPosition: head + 1n })) appended.push({ type: e.type, data: e.data } as DomainEvent);
        await store.close();
        return { outcome, appended };
      };
      return {
        async thenEvents(expected, message) {
          const { outcome, appended } = await run();
          t.ok(outcome.ok, `${message ?? 'accepted'}${outcome.ok ? '' : `: ${outcome.rejection.code} ${outcome.rejection.message}`}`);
          t.same(appended, expected, message ?? 'appended events');
        },
        async thenRejects(code, ruleId, message) {
          const { outcome, appended } = await run();
          t.equal(outcome.ok ? 'accepted' : outcome.rejection.code, code, message ?? `refused with ${code}`);
          if (ruleId !== undefined) t.equal(outcome.ok ? undefined : outcome.rejection.ruleId, ruleId, `${message ?? 'rule'}: ${ruleId}`);
          t.same(appended, [], `${message ?? 'refusal'}: nothing appended`);
        },
      };
    },
  };
}
