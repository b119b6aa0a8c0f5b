export { buildElasticsearchSink, type ElasticsearchSink, type ElasticsearchSinkDeps, type ElasticsearchWriteResult } from './sink.js';
export { defaultElasticsearchSinkOptions, resolveElasticsearchSinkConfig, type ElasticsearchSinkConfig, type ElasticsearchSinkOptions } from './options.js';
export { isRetriable, type RetryPolicy } from './retry.js';
export { EsSinkError, ES_SINK_ERRORS, type EsSinkErrorCode } from './errors.js';
