// GET /api/search (design contract, section 6): parameters → one AST (the language) → the key's scope
// AND-ed on → both stores in parallel, each with a deadline → merged, de-duplicated, ordered by
// (timestamp, id), cut to `limit` → a keyset cursor for the next page.
import type { FastifyInstance } from 'fastify';
import type { QueryApiConfig } from '../config.js';
import { QueryApiError } from '../errors.js';
import type { QueryApiMetrics } from '../metrics.js';
import { decodeCursor, encodeCursor, queryHash } from '../search/cursor.js';
import { fanOut, requireAnswer, sourceReports } from '../search/fan-out.js';
import { mergePages, positionOf } from '../search/merge.js';
import { SearchQuerystring, storesFor, toSearchParams } from '../search/params.js';
import { hasRegex, scopedQuery } from '../search/query-ast.js';
import type { LogStore, Position, StoreName } from '../stores/contract.js';
import { SearchResponse } from './response-schemas.js';
import { clientGone, keyConfirmed, observeOutcomes, principalOf } from './shared.js';

export interface SearchRouteOptions {
  stores: Readonly<Record<StoreName, LogStore>>;
  config: QueryApiConfig;
  metrics: QueryApiMetrics;
  now: () => number;
}

export const DEFAULT_LIMIT = 100;

const badCursor = (message: string): QueryApiError => new QueryApiError('QRY_INVALID_CURSOR', { message, items: [{ param: 'cursor', message }] });

export async function searchRoutes(app: FastifyInstance, opts: SearchRouteOptions): Promise<void> {
  const { config, metrics } = opts;

  app.get<{ Querystring: SearchQuerystring }>(
    '/api/search',
    { schema: { querystring: SearchQuerystring, response: { 200: SearchResponse } }, config: { access: 'read', overlapKeyCheck: true } },
    async (request, reply) => {
      const started = performance.now();
      const query = request.query;
      const params = toSearchParams(query);
      const order = query.order ?? 'desc';
      const limit = query.limit ?? DEFAULT_LIMIT;
      const hash = queryHash(params);
      let nowMs = opts.now();
      let after: Position | undefined;
      if (query.cursor !== undefined) {
        const cursor = decodeCursor(query.cursor);
        if (!cursor) throw badCursor('the cursor is not one this API gave (truncated or edited?); start again without a cursor');
        if (cursor.queryHash !== hash) throw badCursor('the cursor belongs to another query (q, field parameters, from or to changed); start again without a cursor');
        if (cursor.order !== order) throw badCursor(`the cursor pages order=${cursor.order}; send that order with it, or start again without a cursor`);
        // Relative bounds (from=15m) are counted from the first page's time, so paging never shifts them.
        nowMs = cursor.nowMs;
        after = cursor.position;
      }
      const ast = scopedQuery(params, principalOf(request).resourcePatterns, nowMs);
      const timeoutMs = hasRegex(ast) ? Math.min(config.storeTimeoutMs, config.regexTimeoutMs) : config.storeTimeoutMs;
      const stores = storesFor(query.source).map((name) => opts.stores[name]);

      // limit + 1 from each store: the extra one says whether another page follows (search/merge.ts).
      // Nothing is answered before the key is confirmed; the lookup runs alongside the stores.
      const [outcomes] = await Promise.all([
        fanOut(stores, { timeoutMs, signal: clientGone(reply) }, (store, call) => store.search({ ...call, ast, order, size: limit + 1, ...(after ? { after } : {}) })),
        keyConfirmed(request),
      ]);
      observeOutcomes(metrics, 'search', outcomes);
      const sources = sourceReports(outcomes, (hits) => hits.length);
      requireAnswer(outcomes, sources);
      for (const o of outcomes) if (o.error) request.log.warn({ err: o.error, store: o.store, kind: o.error.kind }, 'a store did not answer a search');

      const page = mergePages(outcomes.flatMap((o) => (o.value ? [o.value] : [])), order, limit);
      const last = page.hits.at(-1);
      const partial = outcomes.some((o) => o.error !== undefined);
      if (partial) metrics.partial.inc({ route: '/api/search' });
      return {
        hits: page.hits,
        nextCursor: page.more && last ? encodeCursor({ position: positionOf(last), order, queryHash: hash, nowMs }) : null,
        partial,
        sources,
        tookMs: Math.round(performance.now() - started),
      };
    },
  );
}
