// The query API's settings, parsed from the environment once at start-up (design contract, sections 3
// and 6). Every bad variable is named in one error, so a misconfigured deployment is fixed in one go.
// This is the only module of the query API that reads process.env.

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

type Env = Readonly<Record<string, string | undefined>>;

const MiB = 1024 * 1024;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

interface IntSpec {
  env: string;
  fallback: number;
  min: number;
  max: number;
}

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

export class ConfigError extends Error {
  readonly code = 'QRY_CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

function parseInteger(env: Env, spec: IntSpec, problems: string[]): number {
  const raw = env[spec.env]?.trim();
  if (raw === undefined || raw === '') return spec.fallback;
  // Number('1e3') and Number('0x10') are accepted by JS but surprise operators; only plain digits pass.
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    problems.push(`${spec.env}=${JSON.stringify(raw)}: expected an integer from ${spec.min} to ${spec.max}`);
    return spec.fallback;
  }
  return value;
}

function parseBrokers(env: Env, problems: string[]): string[] {
  const raw = env.KAFKA_BROKERS?.trim() || '127.0.0.1:9092';
  const brokers = raw.split(',').map((b) => b.trim());
  for (const broker of brokers) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (!/^[\w.-]+:\d+$/.test(broker) || port < 1 || port > 65535) {
      problems.push(`KAFKA_BROKERS=${JSON.stringify(raw)}: "${broker}" is not host:port`);
    }
  }
  return brokers;
}

function parseName(env: Env, name: string, fallback: string, pattern: RegExp, what: string, problems: string[]): string {
  const value = env[name]?.trim() || fallback;
  if (!pattern.test(value)) problems.push(`${name}=${JSON.stringify(value)}: expected ${what}`);
  return value;
}

function parseUrl(env: Env, name: string, fallback: string, protocols: string[], problems: string[]): string {
  const value = env[name]?.trim() || fallback;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  // The value itself may hold a password: name the variable and the rule, never echo it.
  if (!url || !protocols.includes(url.protocol)) problems.push(`${name}: expected a ${protocols.join(' or ')}// URL`);
  return value;
}

const KAFKA_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
/** What an Authorization: Bearer token may hold (RFC 6750 b64token), so the admin key can be sent as one. */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function parseAdminKey(env: Env, problems: string[]): string | undefined {
  const raw = env.LOGS_ADMIN_KEY?.trim();
  if (raw === undefined || raw === '') return undefined;
  // The value is a secret: the message says what is wrong, never what it is.
  if (raw.length < 16 || raw.length > 512 || !BEARER_TOKEN.test(raw)) {
    problems.push('LOGS_ADMIN_KEY: expected 16 to 512 characters of A-Z a-z 0-9 - . _ ~ + / (a bearer token)');
    return undefined;
  }
  return raw;
}

function parseGroups(env: Env, problems: string[]): string[] {
  const raw = env.QUERY_LAG_GROUPS?.trim() || 'sink-elasticsearch,sink-postgres';
  const groups = raw.split(',').map((g) => g.trim()).filter((g) => g !== '');
  for (const group of groups) if (!/^[\w.-]{1,255}$/.test(group)) problems.push(`QUERY_LAG_GROUPS=${JSON.stringify(raw)}: "${group}" is not a consumer group name`);
  return groups;
}

/** Parses and validates the query API's settings; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): QueryApiConfig {
  const problems: string[] = [];
  const ints = Object.fromEntries(
    Object.entries(INTEGERS).map(([key, spec]) => [key, parseInteger(env, spec, problems)]),
  ) as Record<keyof typeof INTEGERS, number>;
  const config: QueryApiConfig = {
    ...ints,
    host: parseName(env, 'QUERY_API_HOST', '127.0.0.1', /^[\w.:-]+$/, 'a host name or IP address', problems),
    elasticsearchUrl: parseUrl(env, 'ELASTICSEARCH_URL', 'http://127.0.0.1:9200', ['http:', 'https:'], problems),
    // The sinks' rule for index and alias names (sinks/src/elasticsearch/options.ts).
    elasticsearchAlias: parseName(env, 'ELASTICSEARCH_ALIAS', 'logs', /^[a-z0-9][a-z0-9._-]{0,99}$/, 'an Elasticsearch alias name ([a-z0-9._-], at most 100)', problems),
    databaseUrl: parseUrl(env, 'DATABASE_URL', 'postgres://logs:logs@127.0.0.1:5432/logs', ['postgres:', 'postgresql:'], problems),
    // Same variable and default as the PostgreSQL sink, so both read and write the same tables.
    postgresSchema: parseName(env, 'PG_SCHEMA', 'public', /^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL schema name', problems),
    kafkaBrokers: parseBrokers(env, problems),
    kafkaClientId: parseName(env, 'KAFKA_CLIENT_ID', 'logpipe-query-api', /^[\w.-]{1,255}$/, 'letters, digits, ".", "_" or "-"', problems),
    topic: parseName(env, 'LOGS_TOPIC', 'logs.v1', KAFKA_NAME, 'a Kafka topic name ([a-zA-Z0-9._-], at most 249)', problems),
    lagGroups: parseGroups(env, problems),
    tailGroupPrefix: parseName(env, 'QUERY_TAIL_GROUP_PREFIX', 'query-api-tail', /^[\w.-]{1,100}$/, 'letters, digits, ".", "_" or "-" (at most 100)', problems),
    adminKey: parseAdminKey(env, problems),
    logLevel: parseName(env, 'LOG_LEVEL', 'info', new RegExp(`^(${LOG_LEVELS.join('|')})$`), LOG_LEVELS.join(', '), problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
