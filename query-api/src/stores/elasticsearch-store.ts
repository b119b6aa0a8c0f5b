// Elasticsearch as a store of the query API: searches the `logs` alias (every daily index of the sink)
// with the query DSL compiled from the AST, sorted by (timestamp, id) and paged with search_after.
// No user text reaches Elasticsearch as query syntax: compileElasticsearch builds term/match_phrase/
// regexp objects from the AST (schemas/src/query).
import { errors, type Client, type estypes } from '@elastic/elasticsearch';
import { compileElasticsearch, elasticsearchEventSort, elasticsearchSearchAfter, type LogEvent, type QueryNode } from '@logpipe/schemas';
import { StoreError, type LogStore, type StoreBucket, type StoreCall, type StoreHistogramRequest, type StoreSearchRequest, type StoreStats } from './contract.js';
import { toHit, type StoredFields } from './hit.js';

export interface ElasticsearchStoreOptions {
  client: Client;
  /** Alias (or index pattern) searched; the sink's daily indices all join `logs`. */
  alias: string;
}

/** Transport options of one call: no client-side retries (the caller decides), bounded by the caller's deadline. */
const transport = (call: StoreCall) => ({ signal: call.signal, requestTimeout: call.timeoutMs, maxRetries: 0 });

/** Reason Elasticsearch gave for refusing a request, without its stack or internals. */
function responseReason(err: errors.ResponseError): string {
  const body = err.body as { error?: { root_cause?: { type?: string; reason?: string }[]; type?: string; reason?: string } } | undefined;
  const cause = body?.error?.root_cause?.[0] ?? body?.error;
  const text = cause?.reason ?? cause?.type ?? `status ${err.statusCode}`;
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Every failure of a call as a StoreError whose kind decides what the API answers (search/fan-out.ts). */
export function classifyElasticsearchError(err: unknown, timeoutMs: number): StoreError {
  if (err instanceof StoreError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    // 400: the query itself (regexp too complex to determinize, too many clauses…); asking again will not help.
    if (status === 400) return new StoreError('elasticsearch', 'rejected', `Elasticsearch refused the query: ${responseReason(err)}`, { cause: err });
    if (status === 408 || status === 504) return new StoreError('elasticsearch', 'timeout', `Elasticsearch did not answer within ${timeoutMs} ms`, { cause: err });
    if (status === 429 || status === 503) return new StoreError('elasticsearch', 'unavailable', `Elasticsearch is overloaded or unavailable (${status})`, { cause: err });
    return new StoreError('elasticsearch', 'failed', `Elasticsearch failed: ${responseReason(err)}`, { cause: err });
  }
  if (err instanceof errors.TimeoutError || err instanceof errors.RequestAbortedError) {
    return new StoreError('elasticsearch', 'timeout', `Elasticsearch did not answer within ${timeoutMs} ms`, { cause: err });
  }
  if (err instanceof errors.ConnectionError || err instanceof errors.NoLivingConnectionsError) {
    return new StoreError('elasticsearch', 'unavailable', 'Elasticsearch is not reachable', { cause: err });
  }
  return new StoreError('elasticsearch', 'failed', 'Elasticsearch failed', { cause: err });
}

// A search that is cut short server-side (`timeout`) or on some shards would return a subset that looks
// complete; with these, it fails instead, so a page is either exact or reported as missing.
const EXACT = { ignore_unavailable: true, allow_no_indices: true, allow_partial_search_results: false } as const;

// Only what is read back: a hit's _index, _id, _score and sort values are 28 % of a search's answer,
// which Elasticsearch would write and this process parse (101 hits: 55 -> 40 KB). Without hits, `hits` is absent.
const SEARCH_FIELDS = ['hits.hits._source', 'timed_out'];

export function createElasticsearchStore({ client, alias }: ElasticsearchStoreOptions): LogStore {
  const guarded = async <T>(call: StoreCall, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw classifyElasticsearchError(err, call.timeoutMs);
    }
  };
  const timedOut = (res: { timed_out?: boolean }, call: StoreCall): void => {
    if (res.timed_out) throw new StoreError('elasticsearch', 'timeout', `Elasticsearch did not finish the search within ${call.timeoutMs} ms`);
  };

  return {
    name: 'elasticsearch',

    search: (request: StoreSearchRequest): Promise<LogEvent[]> =>
      guarded(request, async () => {
        const after = request.after ? elasticsearchSearchAfter(request.after.ms, request.after.id) : undefined;
        if (request.after && !after) throw new StoreError('elasticsearch', 'rejected', 'the cursor does not hold an event id');
        const res = await client.search<StoredFields>(
          {
            index: alias,
            ...EXACT,
            query: compileElasticsearch(request.ast) as estypes.QueryDslQueryContainer,
            // The id as numbers breaks ties within a millisecond (schemas/src/id-order.ts says why not `id`).
            sort: elasticsearchEventSort(request.order),
            ...(after ? { search_after: after } : {}),
            size: request.size,
            track_total_hits: false,
            timeout: `${request.timeoutMs}ms`,
            filter_path: SEARCH_FIELDS,
          },
          transport(request),
        );
        timedOut(res, request);
        return (res.hits?.hits ?? []).flatMap((hit) => (hit._source ? [toHit(hit._source)] : []));
      }),

    histogram: (request: StoreHistogramRequest): Promise<StoreBucket[]> =>
      guarded(request, async () => {
        const res = await client.search(
          {
            index: alias,
            ...EXACT,
            size: 0,
            track_total_hits: false,
            query: compileElasticsearch(request.ast) as estypes.QueryDslQueryContainer,
            // Fixed intervals in UTC start at multiples of the interval since the epoch: the same origin as
            // PostgreSQL's date_bin(…, '1970-01-01T00:00:00Z') in the PostgreSQL store.
            aggs: { buckets: { date_histogram: { field: 'timestamp', fixed_interval: `${request.intervalMs}ms`, min_doc_count: 1 } } },
            timeout: `${request.timeoutMs}ms`,
          },
          transport(request),
        );
        timedOut(res, request);
        const agg = res.aggregations?.buckets as estypes.AggregationsDateHistogramAggregate | undefined;
        const buckets = Array.isArray(agg?.buckets) ? agg.buckets : [];
        return buckets.map((b) => ({ startMs: Number(b.key), count: b.doc_count }));
      }),

    stats: (ast: QueryNode, call: StoreCall): Promise<StoreStats> =>
      guarded(call, async () => {
        const query = compileElasticsearch(ast) as estypes.QueryDslQueryContainer;
        const [count, newest] = await Promise.all([
          client.count({ index: alias, ignore_unavailable: true, allow_no_indices: true, query }, transport(call)),
          client.search<StoredFields>(
            { index: alias, ...EXACT, query, size: 1, track_total_hits: false, _source: ['id', 'timestamp'], sort: elasticsearchEventSort('desc') },
            transport(call),
          ),
        ]);
        const top = newest.hits.hits[0]?._source;
        return { count: count.count, newest: top ? { id: top.id, timestamp: top.timestamp } : null };
      }),

    async ping(timeoutMs: number): Promise<boolean> {
      try {
        // GET / is not served by the local node (README: stack), so health is the probe.
        await client.cluster.health({ timeout: `${timeoutMs}ms` }, { requestTimeout: timeoutMs, maxRetries: 0 });
        return true;
      } catch {
        return false;
      }
    },

    close: () => client.close(),
  };
}
