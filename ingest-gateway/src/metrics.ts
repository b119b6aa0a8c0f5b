// Prometheus metrics of the gateway, on a registry of their own (not prom-client's global one), so
// several apps in one process (tests) never collide and /metrics shows only what this app counts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly acceptedEvents: Counter;
  /** Requests answered with an error, by GW_ code (low cardinality: the catalogue is closed). */
  readonly rejectedRequests: Counter<'code'>;
  readonly produceSeconds: Histogram<'outcome'>;
  readonly batchEvents: Histogram;
  readonly batchBytes: Histogram;
  readonly inFlightBytes: Gauge;
  /** Where the in-flight bytes gauge reads its value when scraped. */
  setInFlightBytesSource(read: () => number): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many apps. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  const registers = [registry];
  let readInFlight: () => number = () => 0;
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    acceptedEvents: new Counter({ name: 'logpipe_gateway_events_accepted_total', help: 'Events acknowledged by Kafka and answered with 202', registers }),
    rejectedRequests: new Counter({ name: 'logpipe_gateway_requests_rejected_total', help: 'Requests answered with an error, by error code', labelNames: ['code'], registers }),
    produceSeconds: new Histogram({
      name: 'logpipe_gateway_produce_duration_seconds',
      help: 'Time from sending a batch to Kafka until it was acknowledged (or failed)',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    batchEvents: new Histogram({
      name: 'logpipe_gateway_batch_events',
      help: 'Events per batch sent to Kafka',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    }),
    batchBytes: new Histogram({
      name: 'logpipe_gateway_batch_bytes',
      help: 'Estimated bytes per batch sent to Kafka',
      buckets: [1024, 4096, 16384, 65536, 262144, 524288, 1048576, 4194304],
      registers,
    }),
    inFlightBytes: new Gauge({
      name: 'logpipe_gateway_in_flight_bytes',
      help: 'Bytes of events accepted but not yet acknowledged by Kafka (bounded by INGEST_MAX_IN_FLIGHT_BYTES)',
      registers,
      collect() {
        this.set(readInFlight());
      },
    }),
    setInFlightBytesSource(read) {
      readInFlight = read;
    },
  };
}
