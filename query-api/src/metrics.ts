// Prometheus metrics of the query API, on a registry of their own (not prom-client's global one), so
// several apps in one process (tests) never collide and /metrics shows only what this app counts.
// Labels are low-cardinality: route patterns (not URLs), store names, outcome kinds, catalogue codes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface QueryApiMetrics {
  readonly registry: Registry;
  /** Answers by route pattern and status (a tail stream counts when it opens). */
  readonly requests: Counter<'route' | 'status'>;
  readonly requestSeconds: Histogram<'route'>;
  /** One store call: kind search/histogram/stats; outcome ok or the StoreError kind. */
  readonly storeSeconds: Histogram<'store' | 'kind' | 'outcome'>;
  /** Answers given without one of the asked stores. */
  readonly partial: Counter<'route'>;
  readonly tailSubscribers: Gauge;
  readonly tailDropped: Counter<'reason'>;
  readonly tailConsumed: Counter;
  readonly tailDelivered: Counter;
  readonly tailUndecodable: Counter;
  /** Requests refused by access control, by QRY_ code. */
  readonly authFailures: Counter<'code'>;
  setTailSubscribersSource(read: () => number): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many apps. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): QueryApiMetrics {
  const registry = new Registry();
  const registers = [registry];
  let readSubscribers: () => number = () => 0;
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.3, 0.5, 1, 2, 5, 10];
  return {
    registry,
    requests: new Counter({ name: 'logpipe_query_requests_total', help: 'Answered requests, by route pattern and status', labelNames: ['route', 'status'], registers }),
    requestSeconds: new Histogram({ name: 'logpipe_query_request_duration_seconds', help: 'Time to answer a request, by route pattern', labelNames: ['route'], buckets: seconds, registers }),
    storeSeconds: new Histogram({
      name: 'logpipe_query_store_duration_seconds',
      help: 'Time of one store call, by store, kind (search, histogram, stats) and outcome (ok, rejected, timeout, unavailable, failed)',
      labelNames: ['store', 'kind', 'outcome'],
      buckets: seconds,
      registers,
    }),
    partial: new Counter({ name: 'logpipe_query_partial_total', help: 'Answers given without one of the asked stores (partial: true), by route', labelNames: ['route'], registers }),
    tailSubscribers: new Gauge({
      name: 'logpipe_query_tail_subscribers',
      help: 'Open live tail streams',
      registers,
      collect() {
        this.set(readSubscribers());
      },
    }),
    tailDropped: new Counter({ name: 'logpipe_query_tail_dropped_total', help: 'Live tail streams ended by the server, by reason (slow, shutdown)', labelNames: ['reason'], registers }),
    tailConsumed: new Counter({ name: 'logpipe_query_tail_consumed_total', help: 'Kafka records read by the live tail consumer', registers }),
    tailDelivered: new Counter({ name: 'logpipe_query_tail_delivered_total', help: 'Events sent to live tail streams (one per matching stream)', registers }),
    tailUndecodable: new Counter({ name: 'logpipe_query_tail_undecodable_total', help: 'Kafka records the live tail could not decode (skipped)', registers }),
    authFailures: new Counter({ name: 'logpipe_query_auth_failures_total', help: 'Requests refused by access control, by error code', labelNames: ['code'], registers }),
    setTailSubscribersSource(read) {
      readSubscribers = read;
    },
  };
}
