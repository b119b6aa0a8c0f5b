// The gateway's settings, parsed from the environment once at start-up (design contract, section 3).
// Every bad variable is named in one error, so a misconfigured deployment is fixed in one go.
// This is the only module that reads process.env.
import { EnvReader, InvalidConfigError, type Env, type IntSpec } from '@logpipe/runtime';
import { LIMITS } from '@logpipe/schemas';

export interface GatewayConfig {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
  /** kafkajs retries of one produce request before the batch fails (each retry backs off). */
  kafkaRetries: number;
  topic: string;
  /** Partitions of the topic when the gateway creates it; an existing topic keeps its own. */
  topicPartitions: number;
  bodyLimitBytes: number;
  maxEventsPerRequest: number;
  /** Gateway limits stricter than (or equal to) the schema's LIMITS; the schema is the ceiling. */
  maxMessageBytes: number;
  maxMetadataKeys: number;
  maxMetadataBytes: number;
  lingerMs: number;
  maxBatchEvents: number;
  maxBatchBytes: number;
  maxBatchesInFlight: number;
  maxInFlightBytes: number;
  produceTimeoutMs: number;
  retryAfterSeconds: number;
  readyProbeTimeoutMs: number;
  /** Longest time to receive a whole request; a stalled client cannot hold a connection longer. */
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

const MiB = 1024 * 1024;

// One row per integer setting: variable, default, bounds. Defaults work against the local stack.
const INTEGERS = {
  port: { env: 'PORT', fallback: 3000, min: 0, max: 65535 },
  kafkaConnectionTimeoutMs: { env: 'KAFKA_CONNECTION_TIMEOUT_MS', fallback: 3000, min: 100, max: 120_000 },
  // A batch holds its slot until kafkajs gives up: at most (retries + 1) × request timeout plus backoff
  // (about 45 s with these defaults), so a broker that hangs cannot block the gateway for minutes.
  kafkaRequestTimeoutMs: { env: 'KAFKA_REQUEST_TIMEOUT_MS', fallback: 10_000, min: 100, max: 300_000 },
  kafkaRetries: { env: 'KAFKA_RETRIES', fallback: 3, min: 0, max: 100 },
  topicPartitions: { env: 'TOPIC_PARTITIONS', fallback: 6, min: 1, max: 10_000 },
  bodyLimitBytes: { env: 'INGEST_BODY_LIMIT_BYTES', fallback: 8 * MiB, min: 1024, max: 512 * MiB },
  maxEventsPerRequest: { env: 'INGEST_MAX_EVENTS_PER_REQUEST', fallback: 10_000, min: 1, max: 1_000_000 },
  maxMessageBytes: { env: 'INGEST_MAX_MESSAGE_BYTES', fallback: LIMITS.messageMaxBytes, min: 1, max: LIMITS.messageMaxBytes },
  maxMetadataKeys: { env: 'INGEST_MAX_METADATA_KEYS', fallback: LIMITS.metadataMaxKeys, min: 0, max: LIMITS.metadataMaxKeys },
  maxMetadataBytes: { env: 'INGEST_MAX_METADATA_BYTES', fallback: LIMITS.metadataMaxBytes, min: 2, max: LIMITS.metadataMaxBytes },
  lingerMs: { env: 'INGEST_LINGER_MS', fallback: 5, min: 0, max: 10_000 },
  maxBatchEvents: { env: 'INGEST_MAX_BATCH_EVENTS', fallback: 10_000, min: 1, max: 1_000_000 },
  // Kafka rejects a record batch over the broker's message.max.bytes (1 MiB by default) per partition,
  // and one batch may hold a single key (so a single partition); stay under it with framing headroom.
  maxBatchBytes: { env: 'INGEST_MAX_BATCH_BYTES', fallback: 1_000_000, min: 64 * 1024, max: 256 * MiB },
  maxBatchesInFlight: { env: 'INGEST_MAX_BATCHES_IN_FLIGHT', fallback: 4, min: 1, max: 64 },
  maxInFlightBytes: { env: 'INGEST_MAX_IN_FLIGHT_BYTES', fallback: 64 * MiB, min: 1, max: 8192 * MiB },
  produceTimeoutMs: { env: 'INGEST_PRODUCE_TIMEOUT_MS', fallback: 10_000, min: 1, max: 600_000 },
  retryAfterSeconds: { env: 'INGEST_RETRY_AFTER_SECONDS', fallback: 2, min: 1, max: 3600 },
  readyProbeTimeoutMs: { env: 'INGEST_READY_PROBE_TIMEOUT_MS', fallback: 2000, min: 100, max: 60_000 },
  requestTimeoutMs: { env: 'INGEST_REQUEST_TIMEOUT_MS', fallback: 60_000, min: 1000, max: 3_600_000 },
  shutdownTimeoutMs: { env: 'INGEST_SHUTDOWN_TIMEOUT_MS', fallback: 20_000, min: 0, max: 600_000 },
} as const satisfies Record<string, IntSpec>;

/** Every variable the gateway reads, for the README and for tests. */
export const CONFIG_VARIABLES: readonly string[] = [
  'HOST',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'LOGS_TOPIC',
  'LOG_LEVEL',
  ...Object.values(INTEGERS).map((spec) => spec.env),
];

export class ConfigError extends InvalidConfigError {}

/** Parses and validates the gateway's settings; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): GatewayConfig {
  const read = new EnvReader(env);
  const config: GatewayConfig = {
    ...read.ints(INTEGERS),
    host: read.host('HOST'),
    kafkaBrokers: read.kafkaBrokers(),
    kafkaClientId: read.kafkaClientId('logpipe-ingest-gateway'),
    topic: read.kafkaTopic('LOGS_TOPIC', 'logs.v1'),
    logLevel: read.logLevel(),
  };
  read.throwIfInvalid(ConfigError);
  return config;
}
