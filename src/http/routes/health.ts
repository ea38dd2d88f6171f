import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProjectionRunner } from '../../runner/runner.js';
import type { EventStore } from '../../store/port.js';

const Health = z.object({
  status: z.enum(['ok', 'not_ready']),
  store: z.string(),
  headPosition: z.string(),
  projection: z.object({
    state: z.enum(['idle', 'running', 'retrying', 'stopped']),
    position: z.string(),
    /** Events in the store that the read models do not answer for yet. */
    lag: z.string(),
    error: z.string().optional(),
  }),
  /** Each read model's checkpoint and how many events it trails the head. */
  projections: z.array(z.object({ name: z.string(), version: z.number().int(), position: z.string(), lag: z.string() })),
});

export interface HealthDeps {
  store: EventStore;
  storeKind: string;
  runner: ProjectionRunner;
  /** How long the read side may take to reach the store's head before it counts as lagging. */
  maxLagMs: number;
}

/**
 * `/health` and `/ready` answer the same report: 200 when the store answers and the read models
 * follow it (the runner runs and reaches the head within `maxLagMs`), 503 otherwise: a runner
 * stopped, retrying a write (the disk is full) or lagging serves stale reads.
 */
export const healthRoutes: FastifyPluginAsync<HealthDeps> = async (app, { store, storeKind, runner, maxLagMs }) => {
  const report = async () => {
    const head = await store.headPosition();
    const before = runner.status();
    const reached = before.state === 'running' && (await runner.waitForPosition(head, maxLagMs));
    const s = runner.status();
    const ready = reached && s.state === 'running';
    return {
      status: ready ? ('ok' as const) : ('not_ready' as const),
      store: storeKind,
      headPosition: head.toString(),
      projection: { state: s.state, position: s.position.toString(), lag: (head > s.position ? head - s.position : 0n).toString(), ...(s.error ? { error: s.error } : {}) },
      projections: runner.projections(head).map((p) => ({ name: p.name, version: p.version, position: p.position.toString(), lag: p.lag.toString() })),
    };
  };
  const r = app.withTypeProvider<ZodTypeProvider>();
  for (const [url, summary] of [
    ['/health', 'Service health: the store, and whether the read models follow it (503 when not)'],
    ['/ready', 'Readiness for traffic: 503 while the projection is stopped, retrying or lagging'],
  ] as const) {
    r.get(url, { schema: { summary, response: { 200: Health, 503: Health } } }, async (_req, reply) => {
      const body = await report();
      return reply.code(body.status === 'ok' ? 200 : 503).send(body);
    });
  }
};
