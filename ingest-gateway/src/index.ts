// The package's public surface: the app factory and its dependencies, for tests, the bench and
// anyone embedding the gateway. main.ts is the process; it is not exported.
export { buildApp, type AppDeps } from './app.js';
export { Batcher, type BatcherOptions, type BatchOutcome } from './batcher.js';
export { CONFIG_VARIABLES, ConfigError, loadConfig, type GatewayConfig } from './config.js';
export { ERRORS, GatewayError, type ErrorCode, type ErrorItem } from './errors.js';
export type { EventSink } from './event-sink.js';
export { createMetrics, type GatewayMetrics } from './metrics.js';
export { KafkaSink, type KafkaSinkOptions } from './producer.js';
export { encodeRecord, type OutgoingRecord } from './record.js';
