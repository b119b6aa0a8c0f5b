// GET /healthz: the process answers. GET /readyz: it can also write to Kafka, so a load balancer
// only sends traffic to a gateway whose 202s can happen.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors.js';
import type { EventSink } from '../event-sink.js';

export interface HealthRouteOptions {
  sink: EventSink;
  isClosing: () => boolean;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    if (opts.isClosing()) throw new GatewayError('GW_SHUTTING_DOWN');
    if (!(await opts.sink.isReady())) throw new GatewayError('GW_NOT_READY');
    return { status: 'ready' };
  });
}
