// The sinks' settings, parsed from the environment once at start-up (design contract, section 3).
// Every bad variable is named in one error, so a misconfigured deployment is fixed in one go.
// This is the only module of the sinks that reads process.env.
import { EnvReader, InvalidConfigError, KAFKA_NAME, KAFKA_NAME_RULE, type Env, type IntSpec } from '@logpipe/runtime';

export const SINK_NAMES = ['postgres', 'elasticsearch'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** Default HTTP port (/healthz, /readyz, /metrics) of each sink, fixed so the stack can probe it. */
export const DEFAULT_PORTS: Readonly<Record<SinkName, number>> = { postgres: 3010, elasticsearch: 3020 };

export interface SinkConfig {
  /** Which sink this process runs. */
  sink: SinkName;
  /** Kafka consumer group; `sink-<name>` unless SINK_GROUP_ID says otherwise (tests, blue/green). */
  groupId: string;
  host: string;
  /** Port of /healthz, /readyz and /metrics; 0 asks the OS for a free port (tests only). */
  port: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
  /** How long the group coordinator waits for a silent member before giving its partitions away. */
  kafkaSessionTimeoutMs: number;
  kafkaHeartbeatIntervalMs: number;
  topic: string;
  /** Partitions of the topic when a sink has to create it (same variable as the gateway's). */
  topicPartitions: number;
  dlqTopic: string;
  dlqTopicPartitions: number;
  databaseUrl: string;
  /** Schema of the PostgreSQL sink's tables; the query API must read the same one. */
  postgresSchema: string;
  /** `day`: an id is looked for in its own day's partition; `table`: in all of them (slow; see write-batch.ts). */
  postgresDedupeScope: 'day' | 'table';
  elasticsearchUrl: string;
  /** Daily indices `<prefix>-YYYY.MM.DD`, alias `<prefix>`, template `logpipe-<prefix>`; readers must use the same. */
  elasticsearchIndexPrefix: string;
  /** Upper bounds of one SinkBatch: records, bytes of Kafka values, and how long the broker may hold a fetch to fill it. */
  maxBatchRecords: number;
  maxBatchBytes: number;
  batchMaxWaitMs: number;
  /** Partitions whose batches are written at the same time (kafkajs partitionsConsumedConcurrently). */
  partitionsConcurrency: number;
  /** Backoff after a failed write: exponential from the initial delay, capped, with jitter. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Elasticsearch sink: bytes per _bulk request and requests in flight. */
  elasticsearchBulkMaxBytes: number;
  elasticsearchBulkConcurrency: number;
  retentionDays: number;
  /** How often old partitions/indices are dropped (and PostgreSQL partitions created ahead). */
  retentionIntervalMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

const MiB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

// One row per integer setting: variable, default, bounds. Defaults work against the local stack.
const INTEGERS = {
  kafkaConnectionTimeoutMs: { env: 'KAFKA_CONNECTION_TIMEOUT_MS', fallback: 3000, min: 100, max: 120_000 },
  kafkaRequestTimeoutMs: { env: 'KAFKA_REQUEST_TIMEOUT_MS', fallback: 30_000, min: 100, max: 300_000 },
  // Kafka's default group.min.session.timeout.ms is 6 s. 10 s (not kafkajs's 30 s) lets a surviving
  // process take over a killed one's partitions quickly, and a restarted one rejoin quickly.
  kafkaSessionTimeoutMs: { env: 'KAFKA_SESSION_TIMEOUT_MS', fallback: 10_000, min: 6000, max: 300_000 },
  kafkaHeartbeatIntervalMs: { env: 'KAFKA_HEARTBEAT_INTERVAL_MS', fallback: 1000, min: 100, max: 60_000 },
  topicPartitions: { env: 'TOPIC_PARTITIONS', fallback: 6, min: 1, max: 10_000 },
  dlqTopicPartitions: { env: 'DLQ_TOPIC_PARTITIONS', fallback: 1, min: 1, max: 10_000 },
  maxBatchRecords: { env: 'SINK_BATCH_MAX_RECORDS', fallback: 10_000, min: 1, max: 1_000_000 },
  maxBatchBytes: { env: 'SINK_BATCH_MAX_BYTES', fallback: 8 * MiB, min: 1024, max: 256 * MiB },
  batchMaxWaitMs: { env: 'SINK_BATCH_MAX_WAIT_MS', fallback: 200, min: 1, max: 60_000 },
  partitionsConcurrency: { env: 'SINK_PARTITIONS_CONCURRENCY', fallback: 2, min: 1, max: 64 },
  retryInitialMs: { env: 'SINK_RETRY_INITIAL_MS', fallback: 250, min: 1, max: 600_000 },
  retryMaxMs: { env: 'SINK_RETRY_MAX_MS', fallback: 30_000, min: 1, max: 3_600_000 },
  elasticsearchBulkMaxBytes: { env: 'ELASTICSEARCH_BULK_MAX_BYTES', fallback: 5 * MiB, min: 1024, max: 100 * MiB },
  elasticsearchBulkConcurrency: { env: 'ELASTICSEARCH_BULK_CONCURRENCY', fallback: 2, min: 1, max: 64 },
  retentionDays: { env: 'RETENTION_DAYS', fallback: 30, min: 1, max: 36_500 },
  // At least hourly by default, at most daily: the same run creates the PostgreSQL partitions ahead.
  retentionIntervalMs: { env: 'RETENTION_INTERVAL_MS', fallback: 60 * 60 * 1000, min: 1000, max: DAY_MS },
  shutdownTimeoutMs: { env: 'SINK_SHUTDOWN_TIMEOUT_MS', fallback: 30_000, min: 0, max: 600_000 },
} as const satisfies Record<string, IntSpec>;

/** Every variable the sinks read, for the README and for tests. */
export const CONFIG_VARIABLES: readonly string[] = [
  'SINK',
  'SINK_GROUP_ID',
  'SINK_HOST',
  'SINK_PORT',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'LOGS_TOPIC',
  'DLQ_TOPIC',
  'DATABASE_URL',
  'PG_SCHEMA',
  'PG_DEDUPE_SCOPE',
  'ELASTICSEARCH_URL',
  'ELASTICSEARCH_INDEX_PREFIX',
  'LOG_LEVEL',
  ...Object.values(INTEGERS).map((spec) => spec.env),
];

export class ConfigError extends InvalidConfigError {
  readonly code = 'SINK_CONFIG_INVALID';
}

function parseSink(env: Env, read: EnvReader): SinkName {
  const raw = env.SINK?.trim().toLowerCase();
  if (raw !== undefined && (SINK_NAMES as readonly string[]).includes(raw)) return raw as SinkName;
  // No default on purpose: a process that silently joined the wrong consumer group would starve the other store.
  read.problem(`SINK=${JSON.stringify(env.SINK ?? '')}: required, one of ${SINK_NAMES.join(', ')}`);
  return 'postgres';
}

/** Parses and validates the sinks' settings; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): SinkConfig {
  const read = new EnvReader(env);
  const ints = read.ints(INTEGERS);
  const sink = parseSink(env, read);
  const config: SinkConfig = {
    ...ints,
    sink,
    groupId: read.string('SINK_GROUP_ID', `sink-${sink}`, KAFKA_NAME, KAFKA_NAME_RULE),
    host: read.host('SINK_HOST'),
    port: read.int({ env: 'SINK_PORT', fallback: DEFAULT_PORTS[sink], min: 0, max: 65535 }),
    kafkaBrokers: read.kafkaBrokers(),
    kafkaClientId: read.kafkaClientId(`logpipe-sink-${sink}`),
    topic: read.kafkaTopic('LOGS_TOPIC', 'logs.v1'),
    dlqTopic: read.kafkaTopic('DLQ_TOPIC', 'logs.v1.dlq'),
    databaseUrl: read.databaseUrl(),
    postgresSchema: read.postgresSchema(),
    postgresDedupeScope: read.oneOf('PG_DEDUPE_SCOPE', 'day', ['day', 'table'], 'day or table'),
    elasticsearchUrl: read.elasticsearchUrl(),
    // The Elasticsearch sink's own name rule (elasticsearch/options.ts): safe in a URL and in an index pattern.
    elasticsearchIndexPrefix: read.string('ELASTICSEARCH_INDEX_PREFIX', 'logs', /^[a-z0-9][a-z0-9._-]{0,99}$/, 'lower-case letters, digits, ".", "_" or "-", not starting with "." "_" or "-"'),
    logLevel: read.logLevel(),
  };
  if (config.topic === config.dlqTopic) read.problem(`DLQ_TOPIC=${JSON.stringify(config.dlqTopic)}: must differ from LOGS_TOPIC`);
  if (config.retryMaxMs < config.retryInitialMs) {
    read.problem(`SINK_RETRY_MAX_MS=${config.retryMaxMs}: must be at least SINK_RETRY_INITIAL_MS (${config.retryInitialMs})`);
  }
  if (config.kafkaHeartbeatIntervalMs * 3 > config.kafkaSessionTimeoutMs) {
    read.problem(`KAFKA_HEARTBEAT_INTERVAL_MS=${config.kafkaHeartbeatIntervalMs}: must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${config.kafkaSessionTimeoutMs})`);
  }
  read.throwIfInvalid(ConfigError);
  return config;
}
