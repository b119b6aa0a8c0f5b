// The sink process's HTTP face: /healthz (the process answers), /readyz (it consumes and its store
// answers), /metrics (Prometheus). Built separately from listening, so tests use inject().
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface HttpServerOptions {
  registry: Registry;
  /** The consumer joined its group and is not stopping. */
  isConsuming: () => boolean;
  /** The store answers (sink.healthcheck()). */
  storeHealthy: () => Promise<boolean>;
}

export function buildHttpServer(options: HttpServerOptions): FastifyInstance {
  // Probes every few seconds would drown the useful lines; the sink logs what it does itself.
  const app = Fastify({ logger: false });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const kafka = options.isConsuming();
    const store = await options.storeHealthy();
    const ready = kafka && store;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', kafka, store });
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await options.registry.metrics();
    return reply.type(options.registry.contentType).send(body);
  });

  return app;
}
