// GET /api/histogram: event counts per time bucket for the same filters as a search. The range is
// from..to (default: the 24 hours before now); the interval is given (`interval=5m`) or chosen for about
// 60 buckets. Every bucket of the range is in the answer, empty ones with 0. With source=both each bucket
// has the larger of the two stores' counts (histogram/interval.ts says why).
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import type { QueryApiConfig } from '../config.js';
import { QueryApiError } from '../errors.js';
import { autoInterval, bucketCount, formatInterval, MAX_BUCKETS, mergeBuckets, parseInterval } from '../histogram/interval.js';
import type { QueryApiMetrics } from '../metrics.js';
import { fanOut, requireAnswer, sourceReports } from '../search/fan-out.js';
import { FilterProperties, SourceParam, storesFor, toSearchParams } from '../search/params.js';
import { boundMs, hasRegex, scopedQuery } from '../search/query-ast.js';
import type { LogStore, StoreBucket, StoreName } from '../stores/contract.js';
import { HistogramResponse } from './response-schemas.js';
import { clientGone, keyConfirmed, observeOutcomes, principalOf } from './shared.js';

export interface HistogramRouteOptions {
  stores: Readonly<Record<StoreName, LogStore>>;
  config: QueryApiConfig;
  metrics: QueryApiMetrics;
  now: () => number;
}

export const DEFAULT_RANGE_MS = 24 * 60 * 60 * 1000;

const HistogramQuerystring = Type.Object(
  {
    ...FilterProperties,
    interval: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    source: SourceParam,
  },
  { additionalProperties: false },
);
type HistogramQuerystring = Static<typeof HistogramQuerystring>;

const badParam = (param: string, message: string): QueryApiError => new QueryApiError('QRY_INVALID_PARAMS', { message: `${param}: ${message}`, items: [{ param, message }] });

export async function histogramRoutes(app: FastifyInstance, opts: HistogramRouteOptions): Promise<void> {
  const { config, metrics } = opts;

  app.get<{ Querystring: HistogramQuerystring }>(
    '/api/histogram',
    { schema: { querystring: HistogramQuerystring, response: { 200: HistogramResponse } }, config: { access: 'read', overlapKeyCheck: true } },
    async (request, reply) => {
      const started = performance.now();
      const query = request.query;
      const nowMs = opts.now();
      const toMs = query.to === undefined ? nowMs : boundMs('to', query.to, nowMs);
      const fromMs = query.from === undefined ? toMs - DEFAULT_RANGE_MS : boundMs('from', query.from, nowMs);
      if (fromMs > toMs) throw badParam('from', `is after to (${new Date(fromMs).toISOString()} > ${new Date(toMs).toISOString()})`);

      let intervalMs: number;
      if (query.interval === undefined || query.interval === 'auto') {
        intervalMs = autoInterval(toMs - fromMs);
      } else {
        const parsed = parseInterval(query.interval);
        if (parsed === undefined) throw badParam('interval', 'expected auto or a number with a unit: ms, s, m, h, d or w (e.g. 30s, 5m, 1h)');
        intervalMs = parsed;
      }
      const buckets = bucketCount(fromMs, toMs, intervalMs);
      if (buckets > MAX_BUCKETS) {
        throw badParam('interval', `${formatInterval(intervalMs)} makes ${buckets} buckets over this range; at most ${MAX_BUCKETS} (try ${formatInterval(autoInterval(toMs - fromMs))} or interval=auto)`);
      }

      // The range joins the filters, so no store counts an event outside the answered buckets.
      const params = { ...toSearchParams(query), from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
      const ast = scopedQuery(params, principalOf(request).resourcePatterns, nowMs);
      const timeoutMs = hasRegex(ast) ? Math.min(config.storeTimeoutMs, config.regexTimeoutMs) : config.storeTimeoutMs;
      const stores = storesFor(query.source).map((name) => opts.stores[name]);
      const [outcomes] = await Promise.all([fanOut(stores, { timeoutMs, signal: clientGone(reply) }, (store, call) => store.histogram({ ...call, ast, intervalMs })), keyConfirmed(request)]);
      observeOutcomes(metrics, 'histogram', outcomes);
      const total = (list: StoreBucket[]): number => list.reduce((sum, b) => sum + b.count, 0);
      const sources = sourceReports(outcomes, total);
      requireAnswer(outcomes, sources);
      for (const o of outcomes) if (o.error) request.log.warn({ err: o.error, store: o.store, kind: o.error.kind }, 'a store did not answer a histogram');

      const merged = mergeBuckets(outcomes.flatMap((o) => (o.value ? [o.value] : [])), fromMs, toMs, intervalMs);
      const partial = outcomes.some((o) => o.error !== undefined);
      if (partial) metrics.partial.inc({ route: '/api/histogram' });
      return {
        interval: formatInterval(intervalMs),
        intervalMs,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        buckets: merged.map((b) => ({ timestamp: new Date(b.startMs).toISOString(), count: b.count })),
        total: merged.reduce((sum, b) => sum + b.count, 0),
        partial,
        sources,
        tookMs: Math.round(performance.now() - started),
      };
    },
  );
}
