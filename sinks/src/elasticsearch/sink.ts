// The Elasticsearch sink (issue 4): the index template at start, then each batch as _bulk `create`
// operations with _id = event id into the event's daily index. Design contract, section 2.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@elastic/elasticsearch';
import type { SinkBatch, SinkContext, Sink, WriteResult } from '../contract.js';
import { LogThrottle } from '../log-throttle.js';
import { bodyBytesFor, bulkBodies, isBulkItem, toBulkItem, type BulkItem } from './bulk-payload.js';
import { sendBulkBody, type WriteTally } from './bulk-sender.js';
import { EsSinkError } from './errors.js';
import { Limiter } from './limiter.js';
import { type ElasticsearchSinkConfig, type ElasticsearchSinkOptions, resolveElasticsearchSinkConfig } from './options.js';
import { FORCE_MERGE_TIMEOUT_MS, startIndexRetention, type IndexRetentionResult } from './retention.js';
import { isRetriable, RetryBudget, type RetryPolicy } from './retry.js';
import { ADDED_PROPERTIES, indexTemplateBody } from './template.js';

const RETRY_LOG_INTERVAL_MS = 10_000;

export interface ElasticsearchWriteResult extends WriteResult {
  /** Of `stored`, those Elasticsearch already had (a redelivered batch). */
  duplicates: number;
  /** _bulk requests sent, retries included. */
  bulkRequests: number;
}

export interface ElasticsearchSink extends Sink {
  write(batch: SinkBatch): Promise<ElasticsearchWriteResult>;
  readonly config: ElasticsearchSinkConfig;
  /** Deletes the daily indices past retention and merges the finished days now; the timer does it on its own. */
  applyRetention(): Promise<IndexRetentionResult>;
}

export interface ElasticsearchSinkDeps {
  /** A client to use instead of one made from the options (tests wrap `bulk`); the sink closes it. */
  client?: Client;
}

/**
 * Builds the sink. The extra parameters keep it a `BuildSink`: `buildElasticsearchSink(ctx)` runs on the
 * defaults, a service passes its validated options. Bad options throw here (SINK_ES_BAD_OPTIONS). If the
 * node is unreachable, the sink still starts: the template is put before the first write instead.
 */
export async function buildElasticsearchSink(
  ctx: SinkContext,
  options: Partial<ElasticsearchSinkOptions> = {},
  deps: ElasticsearchSinkDeps = {},
): Promise<ElasticsearchSink> {
  const config = resolveElasticsearchSinkConfig(options);
  const logger = ctx.logger.child({ sink: 'elasticsearch' });
  // The client's own retries are off: retries are decided once, in retry.ts, with backoff and a time bound.
  const client = deps.client ?? new Client({ node: config.node, requestTimeout: config.requestTimeoutMs, maxRetries: 0 });
  const limiter = new Limiter(config.bulkConcurrency);
  const closing = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  // During an outage every body retries several times a second; one line per interval says it is going on.
  const retryLog = new LogThrottle(RETRY_LOG_INTERVAL_MS);

  // Writing into a daily index before the template exists would create it with dynamic mappings, so every
  // write waits for this; a failure is forgotten and tried again by the next write.
  let templateReady: Promise<void> | undefined;
  const ensureTemplate = (retry: RetryPolicy = config.retry): Promise<void> => {
    templateReady ??= putTemplate(client, config, retry, closing.signal).catch((err: unknown) => {
      templateReady = undefined;
      throw err;
    });
    return templateReady;
  };

  try {
    // One attempt only: a node that is down must not hold up the start for the whole retry budget.
    await ensureTemplate({ ...config.retry, maxAttempts: 1 });
    logger.info({ template: config.templateName, alias: config.alias, pattern: `${config.indexPrefix}-*` }, 'index template in place');
  } catch (err) {
    if (!(err instanceof EsSinkError && err.retryable)) {
      await client.close();
      throw err;
    }
    logger.warn({ code: err.code, stage: 'starting', err }, 'Elasticsearch unreachable; the template is put before the first write');
  }

  const mergeClient = deps.client ? undefined : new Client({ node: config.node, requestTimeout: FORCE_MERGE_TIMEOUT_MS, maxRetries: 0 });
  const retention = startIndexRetention({
    client,
    mergeClient,
    indexPrefix: config.indexPrefix,
    retentionDays: config.retentionDays,
    intervalMs: config.retentionIntervalMs,
    logger,
    now: ctx.now,
    droppedCounter: ctx.metrics?.retentionDropped,
  });

  async function write(batch: SinkBatch): Promise<ElasticsearchWriteResult> {
    if (closing.signal.aborted) throw new EsSinkError('SINK_ES_CLOSED');
    await ensureTemplate();
    const tally: WriteTally = { created: 0, duplicates: 0, retried: 0, rejected: [], bulkRequests: 0 };
    const items: BulkItem[] = [];
    let totalBytes = 0;
    for (const record of batch.records) {
      // A record with no UTC day or a broken id is rejected here, without asking Elasticsearch.
      const item = toBulkItem(record, config.indexPrefix);
      if (isBulkItem(item)) {
        items.push(item);
        totalBytes += item.bytes;
      } else tally.rejected.push(item);
    }
    const bodies = bulkBodies(items, bodyBytesFor(totalBytes, config.maxBulkBytes, config.bulkConcurrency));
    // The first failure decides the outcome: it stops the other workers taking bodies and ends their backoff
    // waits, so the write rejects as soon as the requests on the wire have answered. close() does the same.
    const stop = new AbortController();
    const onClose = (): void => stop.abort();
    closing.signal.addEventListener('abort', onClose, { once: true });
    const senderDeps = { client, limiter, retry: config.retry, logger, retryLog, signal: stop.signal };
    let failure: { error: unknown } | undefined;

    // `bulkConcurrency` workers take bodies in order as request slots free (the slots are shared with other writes).
    const worker = async (): Promise<void> => {
      for (let next = bodies.next(); !next.done && !failure; next = bodies.next()) {
        try {
          await sendBulkBody(senderDeps, next.value, tally);
        } catch (error) {
          failure ??= { error };
          stop.abort();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: config.bulkConcurrency }, worker));
    } finally {
      closing.signal.removeEventListener('abort', onClose);
    }
    if (failure) throw failure.error;

    if (tally.duplicates > 0) logger.debug({ duplicates: tally.duplicates, partition: batch.partition }, 'documents already stored');
    return {
      stored: tally.created + tally.duplicates,
      rejected: tally.rejected,
      retried: tally.retried,
      duplicates: tally.duplicates,
      bulkRequests: tally.bulkRequests,
    };
  }

  return {
    config,
    applyRetention: () => retention.run(),
    write(batch) {
      const p = write(batch);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => {});
      return p;
    },

    async healthcheck() {
      try {
        const health = await client.cluster.health({}, { requestTimeout: config.healthcheckTimeoutMs, maxRetries: 0 });
        return health.status === 'green' || health.status === 'yellow';
      } catch {
        return false;
      }
    },

    async close() {
      // Ends backoff waits at once; requests already on the wire finish (bounded by requestTimeoutMs).
      closing.abort();
      await Promise.allSettled([...inFlight, retention.stop()]);
      await Promise.all([client.close(), mergeClient?.close()]);
    },
  };
}

async function putTemplate(client: Client, config: ElasticsearchSinkConfig, retry: RetryPolicy, signal: AbortSignal): Promise<void> {
  const budget = new RetryBudget(retry);
  for (;;) {
    try {
      // PUT replaces the template with the same name: idempotent, and a new version applies from the next new index.
      await client.indices.putIndexTemplate(indexTemplateBody(config));
      // Daily indices made with an older template (strict, without a later field) would refuse every document
      // until midnight: adding a field to a mapping is allowed, and a no-op where it is already there.
      await client.indices.putMapping({ index: `${config.indexPrefix}-*`, allow_no_indices: true, expand_wildcards: 'open', properties: ADDED_PROPERTIES });
      return;
    } catch (err) {
      if (!isRetriable(err)) throw new EsSinkError('SINK_ES_TEMPLATE_REFUSED', err instanceof Error ? err.message : String(err), { cause: err });
      const delay = budget.nextDelayMs();
      if (delay === undefined) throw new EsSinkError('SINK_ES_UNAVAILABLE', `index template ${config.templateName} not put`, { cause: err });
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        throw new EsSinkError('SINK_ES_CLOSED');
      }
    }
  }
}
