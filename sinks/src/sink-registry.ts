// Which function builds which sink, and how the service's validated config becomes each sink's options.
import type { SinkConfig, SinkName } from './config.js';
import type { Sink, SinkContext } from './contract.js';
import { buildElasticsearchSink } from './elasticsearch/index.js';
import { buildPostgresSink } from './postgres/index.js';

export type SinkBuilder = (ctx: SinkContext, config: SinkConfig) => Promise<Sink>;

export const SINK_BUILDERS: Readonly<Record<SinkName, SinkBuilder>> = {
  postgres: (ctx, config) =>
    buildPostgresSink(ctx, {
      url: config.databaseUrl,
      schema: config.postgresSchema,
      dedupeScope: config.postgresDedupeScope,
      retentionDays: config.retentionDays,
      maintenanceIntervalMs: config.retentionIntervalMs,
      // One connection per partition written at once, one for maintenance, one for probes.
      maxConnections: config.partitionsConcurrency + 2,
    }),
  elasticsearch: (ctx, config) =>
    buildElasticsearchSink(ctx, {
      node: config.elasticsearchUrl,
      indexPrefix: config.elasticsearchIndexPrefix,
      maxBulkBytes: config.elasticsearchBulkMaxBytes,
      bulkConcurrency: config.elasticsearchBulkConcurrency,
      retentionDays: config.retentionDays,
      retentionIntervalMs: config.retentionIntervalMs,
    }),
};
