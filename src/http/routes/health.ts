import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ProjectionRunner } from '../../runner/runner.js';
import type { EventStore } from '../../store/port.js';

const ProjectionHealth = z.object({ name: z.string(), version: z.number().int(), position: z.string(), lag: z.string() });

export const healthRoutes: FastifyPluginAsync<{ store: EventStore; storeKind: string; runner: ProjectionRunner }> = async (app, { store, storeKind, runner }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        summary: "The store's head and each read model's checkpoint and lag (events behind the head)",
        response: {
          200: z.object({ status: z.literal('ok'), store: z.string(), headPosition: z.string(), projections: z.array(ProjectionHealth) }),
        },
      },
    },
    async () => {
      const status = await runner.status();
      return {
        status: 'ok' as const,
        store: storeKind,
        headPosition: (await store.headPosition()).toString(),
        projections: status.projections.map((p) => ({ name: p.name, version: p.version, position: p.position.toString(), lag: p.lag.toString() })),
      };
    },
  );
};
