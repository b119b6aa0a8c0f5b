// GET /healthz: the process answers. GET /readyz: it can do its work — at least one store answers (a
// search can be served, partial at worst) and the live tail consumes from Kafka. Both are open (no key).
import type { FastifyInstance } from 'fastify';
import { QueryApiError } from '../errors.js';
import { STORE_NAMES, type LogStore, type StoreName } from '../stores/contract.js';
import type { TailHub } from '../tail/tail-hub.js';

export interface HealthRouteOptions {
  stores: Readonly<Record<StoreName, LogStore>>;
  hub: TailHub;
  probeTimeoutMs: number;
  isClosing: () => boolean;
}

export async function healthRoutes(app: FastifyInstance, opts: HealthRouteOptions): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { access: 'public' } }, async () => {
    if (opts.isClosing()) throw new QueryApiError('QRY_SHUTTING_DOWN');
    const [elasticsearch, postgres] = await Promise.all(STORE_NAMES.map((name) => opts.stores[name].ping(opts.probeTimeoutMs)));
    const checks = { elasticsearch: elasticsearch === true, postgres: postgres === true, tail: opts.hub.consuming };
    if (!(checks.elasticsearch || checks.postgres) || !checks.tail) throw new QueryApiError('QRY_NOT_READY', { details: { checks } });
    return { status: 'ready', checks };
  });
}
