// What the gateway, the sinks and the query API share as processes. Only re-exports.
export { EnvReader, InvalidConfigError, KAFKA_NAME, KAFKA_NAME_RULE, type Env, type IntSpec } from './env.js';
export { createKafka, createMissingTopics, kafkaLogCreator, type KafkaClientConfig } from './kafka.js';
export { applyMigrations, type AppliedMigrations, type NumberedMigration } from './postgres/migrations.js';
export { isPostgresJsClosedSocketWrite, sqlState, type PgErrorLike } from './postgres/pg-errors.js';
export { PgPool, type PgPoolOptions, type SqlSource } from './postgres/pool.js';
export { advisoryLockKey, ident } from './postgres/sql-names.js';
export { createServiceLogger, exitOnFatalErrors, loadConfigOrExit, stopGracefully, type GracefulStopOptions, type SurvivableException } from './service-process.js';
