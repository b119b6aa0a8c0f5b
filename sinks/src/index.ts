export type { BuildSink, Rejected, Sink, SinkBatch, SinkContext, SinkRecord, WriteResult } from './contract.js';
export { CONFIG_VARIABLES, ConfigError, DEFAULT_PORTS, loadConfig, SINK_NAMES, type SinkConfig, type SinkName } from './config.js';
export { ConsumerLoop, type ConsumerLoopConfig, type ConsumerLoopOptions } from './consumer-loop.js';
export { DEAD_LETTER_HEADERS } from './dead-letter.js';
export { ERRORS, SinkError, type ErrorCode } from './errors.js';
export { buildPostgresSink, type PostgresSink, type PostgresSinkOptions } from './postgres/index.js';
export { buildElasticsearchSink, type ElasticsearchSink, type ElasticsearchSinkOptions } from './elasticsearch/index.js';
export { createKafka } from '@logpipe/runtime';
export { createSinkMetrics, type SinkMetrics } from './metrics.js';
// The per-event steps of the Elasticsearch path, for the in-process CPU bench (bench/src/sink-cpu.ts).
export { decodeMessage } from './decode.js';
export { bodyBytesFor, bulkBodies, bulkRequestBody, elasticsearchDocument, isBulkItem, toBulkItem, type BulkItem } from './elasticsearch/bulk-payload.js';
export { classifyBulkResponse, type BulkResponseBody } from './elasticsearch/bulk-response.js';
