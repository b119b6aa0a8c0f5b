// Prometheus metrics of one sink process, on a registry of its own (not prom-client's global one), so
// several loops in one process (tests) never collide. Every series carries `sink` (a default label).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface SinkMetrics {
  readonly registry: Registry;
  /** Kafka records handed to the loop (decodable or not). */
  readonly consumed: Counter;
  /** Records the store confirmed (a redelivered record the store already had counts again). */
  readonly stored: Counter;
  /** `write`: attempts retried inside write() (429, 5xx…); `batch`: whole batches delivered again after a failed write. */
  readonly retried: Counter<'scope'>;
  /** Records published to the dead-letter topic, by low-cardinality code. */
  readonly deadLettered: Counter<'code'>;
  /** High watermark − next offset to store, per partition this process owns. */
  readonly lag: Gauge<'topic' | 'partition'>;
  readonly writeSeconds: Histogram<'outcome'>;
  readonly batchRecords: Histogram;
  /** Daily indices (Elasticsearch) or partitions (PostgreSQL) dropped past RETENTION_DAYS. */
  readonly retentionDropped: Counter;
}

export interface SinkMetricsOptions {
  sink: string;
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many loops. */
  processMetrics?: boolean;
}

export function createSinkMetrics(options: SinkMetricsOptions): SinkMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ sink: options.sink });
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    consumed: new Counter({ name: 'logpipe_sink_records_consumed_total', help: 'Kafka records consumed', registers }),
    stored: new Counter({ name: 'logpipe_sink_records_stored_total', help: 'Records the store confirmed', registers }),
    retried: new Counter({
      name: 'logpipe_sink_retries_total',
      help: 'Retries: inside a write (scope=write) or of a whole batch after a failed write (scope=batch)',
      labelNames: ['scope'],
      registers,
    }),
    deadLettered: new Counter({ name: 'logpipe_sink_records_dead_lettered_total', help: 'Records sent to the dead-letter topic, by code', labelNames: ['code'], registers }),
    lag: new Gauge({ name: 'logpipe_sink_consumer_lag', help: 'Records in the partition not yet stored (high watermark - next offset)', labelNames: ['topic', 'partition'], registers }),
    writeSeconds: new Histogram({
      name: 'logpipe_sink_batch_write_duration_seconds',
      help: 'Time of one write() of a batch to the store, by outcome (ok, error)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    batchRecords: new Histogram({
      name: 'logpipe_sink_batch_records',
      help: 'Records per batch handed to the store',
      buckets: [1, 10, 100, 500, 1000, 2500, 5000, 10000, 25000],
      registers,
    }),
    retentionDropped: new Counter({
      name: 'logpipe_sink_retention_dropped_total',
      help: 'Daily indices (Elasticsearch) or partitions (PostgreSQL) dropped past RETENTION_DAYS',
      registers,
    }),
  };
}
