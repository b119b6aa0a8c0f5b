// GET /metrics: Prometheus text exposition of the app's own registry. Open like the health routes: it
// holds counts and timings, never an event, a key or a query.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface MetricsRouteOptions {
  registry: Registry;
}

export async function metricsRoutes(app: FastifyInstance, opts: MetricsRouteOptions): Promise<void> {
  app.get('/metrics', { config: { access: 'public' } }, async (_request, reply) => {
    const text = await opts.registry.metrics();
    return reply.type(opts.registry.contentType).send(text);
  });
}
