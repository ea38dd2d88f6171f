import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { EventStore } from '../../store/port.js';

export const healthRoutes: FastifyPluginAsync<{ store: EventStore; storeKind: string }> = async (app, { store, storeKind }) => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/health',
    {
      schema: {
        response: {
          200: z.object({ status: z.literal('ok'), store: z.string(), headPosition: z.string() }),
        },
      },
    },
    async () => ({ status: 'ok' as const, store: storeKind, headPosition: (await store.headPosition()).toString() }),
  );
};
