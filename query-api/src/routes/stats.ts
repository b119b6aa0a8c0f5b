// GET /api/stats: events and newest event per store, and each sink group's lag. Counts and the newest
// event are read through the key's scope like any search (a scoped key learns nothing of other
// resources); lag is a number per Kafka partition and says nothing about any event. Never an error
// status: each part reports its own failure.
import type { FastifyInstance } from 'fastify';
import { scopeToResources } from '@logpipe/schemas';
import type { QueryApiConfig } from '../config.js';
import type { QueryApiMetrics } from '../metrics.js';
import { fanOut } from '../search/fan-out.js';
import type { LagReader } from '../stats/lag.js';
import { STORE_NAMES, type LogStore, type StoreName } from '../stores/contract.js';
import { StatsResponse } from './response-schemas.js';
import { observeOutcomes, principalOf } from './shared.js';

export interface StatsRouteOptions {
  stores: Readonly<Record<StoreName, LogStore>>;
  lag: LagReader;
  config: QueryApiConfig;
  metrics: QueryApiMetrics;
}

export async function statsRoutes(app: FastifyInstance, opts: StatsRouteOptions): Promise<void> {
  const { config, metrics } = opts;

  app.get('/api/stats', { schema: { response: { 200: StatsResponse } }, config: { access: 'read' } }, async (request) => {
    const started = performance.now();
    const ast = scopeToResources({ kind: 'all' }, principalOf(request).resourcePatterns);
    const [outcomes, lag] = await Promise.all([
      fanOut(
        STORE_NAMES.map((name) => opts.stores[name]),
        { timeoutMs: config.storeTimeoutMs },
        (store, call) => store.stats(ast, call),
      ),
      opts.lag.read(config.storeTimeoutMs),
    ]);
    observeOutcomes(metrics, 'stats', outcomes);
    const stores = Object.fromEntries(
      outcomes.map((o) => [o.store, o.value ? { ok: true, tookMs: o.tookMs, count: o.value.count, newest: o.value.newest } : { ok: false, tookMs: o.tookMs, error: o.error?.message ?? 'failed' }]),
    );
    return { stores, lag, topic: config.topic, tookMs: Math.round(performance.now() - started) };
  });
}
