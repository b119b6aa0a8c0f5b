// The query API's settings, parsed from the environment once at start-up (design contract, sections 3
// and 6). Every bad variable is named in one error, so a misconfigured deployment is fixed in one go.
// This is the only module of the query API that reads process.env.
import { EnvReader, InvalidConfigError, KAFKA_NAME, type Env, type IntSpec } from '@logpipe/runtime';

export interface QueryApiConfig {
  host: string;
  /** 0 asks the OS for a free port (tests). */
  port: number;
  elasticsearchUrl: string;
  /** The alias every daily index of the Elasticsearch sink joins (`logs`, the sink's index prefix). */
  elasticsearchAlias: string;
  databaseUrl: string;
  /** Schema of the PostgreSQL sink's `logs` table; the query API keeps `api_keys` there too. */
  postgresSchema: string;
  pgMaxConnections: number;
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
  topic: string;
  /** Consumer groups whose lag /api/stats reports. */
  lagGroups: string[];
  /** Optional: made (or kept) an admin key at every start. Never logged. */
  adminKey: string | undefined;
  /** Longest wait for one store per search, histogram or stats call. */
  storeTimeoutMs: number;
  /** The same for a query holding a regex, so a hostile pattern answers within ~2 s whatever the store does. */
  regexTimeoutMs: number;
  /** Longest wait for the key lookup before the last answer PostgreSQL gave for that key is used. */
  authTimeoutMs: number;
  tailHeartbeatMs: number;
  /** A tail subscriber with more than this many bytes waiting in its socket's buffer is dropped. */
  tailMaxBufferedBytes: number;
  tailMaxSubscribers: number;
  /** Each process consumes the topic as `<prefix>-<host>-<pid>-<random>`, a group of its own. */
  tailGroupPrefix: string;
  readyProbeTimeoutMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
}

const MiB = 1024 * 1024;

// One row per integer setting: variable, default, bounds. Defaults work against the local stack.
const INTEGERS = {
  port: { env: 'QUERY_API_PORT', fallback: 3001, min: 0, max: 65535 },
  pgMaxConnections: { env: 'QUERY_PG_MAX_CONNECTIONS', fallback: 10, min: 1, max: 200 },
  kafkaConnectionTimeoutMs: { env: 'KAFKA_CONNECTION_TIMEOUT_MS', fallback: 3000, min: 100, max: 120_000 },
  kafkaRequestTimeoutMs: { env: 'KAFKA_REQUEST_TIMEOUT_MS', fallback: 10_000, min: 100, max: 300_000 },
  storeTimeoutMs: { env: 'QUERY_STORE_TIMEOUT_MS', fallback: 5000, min: 50, max: 600_000 },
  regexTimeoutMs: { env: 'QUERY_REGEX_TIMEOUT_MS', fallback: 1800, min: 50, max: 600_000 },
  authTimeoutMs: { env: 'QUERY_AUTH_TIMEOUT_MS', fallback: 1000, min: 50, max: 60_000 },
  tailHeartbeatMs: { env: 'QUERY_TAIL_HEARTBEAT_MS', fallback: 15_000, min: 100, max: 600_000 },
  tailMaxBufferedBytes: { env: 'QUERY_TAIL_MAX_BUFFERED_BYTES', fallback: MiB, min: 1024, max: 256 * MiB },
  tailMaxSubscribers: { env: 'QUERY_TAIL_MAX_SUBSCRIBERS', fallback: 1000, min: 1, max: 100_000 },
  readyProbeTimeoutMs: { env: 'QUERY_READY_PROBE_TIMEOUT_MS', fallback: 1000, min: 50, max: 60_000 },
  shutdownTimeoutMs: { env: 'QUERY_SHUTDOWN_TIMEOUT_MS', fallback: 10_000, min: 0, max: 600_000 },
} as const satisfies Record<string, IntSpec>;

/** Every variable the query API reads, for the README and for tests. */
export const CONFIG_VARIABLES: readonly string[] = [
  'QUERY_API_HOST',
  'ELASTICSEARCH_URL',
  'ELASTICSEARCH_ALIAS',
  'DATABASE_URL',
  'PG_SCHEMA',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'LOGS_TOPIC',
  'QUERY_LAG_GROUPS',
  'QUERY_TAIL_GROUP_PREFIX',
  'LOGS_ADMIN_KEY',
  'LOG_LEVEL',
  ...Object.values(INTEGERS).map((spec) => spec.env),
];

export class ConfigError extends InvalidConfigError {
  readonly code = 'QRY_CONFIG_INVALID';
}

/** What an Authorization: Bearer token may hold (RFC 6750 b64token), so the admin key can be sent as one. */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function parseAdminKey(env: Env, read: EnvReader): string | undefined {
  const raw = env.LOGS_ADMIN_KEY?.trim();
  if (raw === undefined || raw === '') return undefined;
  // The value is a secret: the message says what is wrong, never what it is.
  if (raw.length < 16 || raw.length > 512 || !BEARER_TOKEN.test(raw)) {
    read.problem('LOGS_ADMIN_KEY: expected 16 to 512 characters of A-Z a-z 0-9 - . _ ~ + / (a bearer token)');
    return undefined;
  }
  return raw;
}

/** Parses and validates the query API's settings; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): QueryApiConfig {
  const read = new EnvReader(env);
  const config: QueryApiConfig = {
    ...read.ints(INTEGERS),
    host: read.host('QUERY_API_HOST'),
    elasticsearchUrl: read.elasticsearchUrl(),
    // The sinks' rule for index and alias names (sinks/src/elasticsearch/options.ts).
    elasticsearchAlias: read.string('ELASTICSEARCH_ALIAS', 'logs', /^[a-z0-9][a-z0-9._-]{0,99}$/, 'an Elasticsearch alias name ([a-z0-9._-], at most 100)'),
    databaseUrl: read.databaseUrl(),
    // Same variable and default as the PostgreSQL sink, so both read and write the same tables.
    postgresSchema: read.postgresSchema(),
    kafkaBrokers: read.kafkaBrokers(),
    kafkaClientId: read.kafkaClientId('logpipe-query-api'),
    topic: read.kafkaTopic('LOGS_TOPIC', 'logs.v1'),
    lagGroups: read.list('QUERY_LAG_GROUPS', 'sink-elasticsearch,sink-postgres', (group) => KAFKA_NAME.test(group), 'a consumer group name', { skipEmpty: true }),
    tailGroupPrefix: read.string('QUERY_TAIL_GROUP_PREFIX', 'query-api-tail', /^[\w.-]{1,100}$/, 'letters, digits, ".", "_" or "-" (at most 100)'),
    adminKey: parseAdminKey(env, read),
    logLevel: read.logLevel(),
  };
  read.throwIfInvalid(ConfigError);
  return config;
}
