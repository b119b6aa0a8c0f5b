export { buildPostgresSink, type PostgresSink, type PostgresSinkDeps } from './sink.js';
export { defaultPostgresSinkOptions, resolvePostgresSinkConfig, type PostgresSinkConfig, type PostgresSinkOptions } from './options.js';
export { MIGRATIONS, migrate, type Migration, type MigrationResult } from './migrations.js';
export type { RetentionResult } from './partitions.js';
export type { DedupeScope } from './write-batch.js';
