// Typed readers of environment variables for each service's config.ts. A reader never throws: it notes
// the problem (naming the variable) and goes on with the default, so one error names every bad variable
// and a misconfigured deployment is fixed in one go. Each service keeps its own variables and error class.

export type Env = Readonly<Record<string, string | undefined>>;

export interface IntSpec {
  env: string;
  fallback: number;
  min: number;
  max: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Kafka's own rule for topic names. */
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** Client ids and consumer group names. */
export const KAFKA_NAME = /^[\w.-]{1,255}$/;
export const KAFKA_NAME_RULE = 'letters, digits, ".", "_" or "-"';

/** What each service's ConfigError extends (adding its catalogue's code): every problem in one message. */
export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export class EnvReader {
  readonly #env: Env;
  readonly #problems: string[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  /** Records a problem no single reader sees (one variable against another, a service's own rule). */
  problem(message: string): void {
    this.#problems.push(message);
  }

  /** Throws `new ErrorClass(problems)` (the service's own class) if any variable was bad. */
  throwIfInvalid(ErrorClass: new (problems: string[]) => InvalidConfigError): void {
    if (this.#problems.length > 0) throw new ErrorClass([...this.#problems]);
  }

  int(spec: IntSpec): number {
    const raw = this.#env[spec.env]?.trim();
    if (raw === undefined || raw === '') return spec.fallback;
    // Number('1e3') and Number('0x10') are accepted by JS but surprise operators; only plain digits pass.
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
      this.problem(`${spec.env}=${JSON.stringify(raw)}: expected an integer from ${spec.min} to ${spec.max}`);
      return spec.fallback;
    }
    return value;
  }

  /** One integer per row of `specs`, under the row's key. */
  ints<K extends string>(specs: Readonly<Record<K, IntSpec>>): Record<K, number> {
    const entries = Object.entries<IntSpec>(specs).map(([key, spec]) => [key, this.int(spec)]);
    return Object.fromEntries(entries) as Record<K, number>;
  }

  /** A value matching `pattern`; `what` says in words what is expected. */
  string(name: string, fallback: string, pattern: RegExp, what: string): string {
    const value = this.#env[name]?.trim() || fallback;
    if (!pattern.test(value)) this.problem(`${name}=${JSON.stringify(value)}: expected ${what}`);
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, values: readonly T[], what = values.join(', ')): T {
    const value = this.#env[name]?.trim() || fallback;
    if ((values as readonly string[]).includes(value)) return value as T;
    this.problem(`${name}=${JSON.stringify(value)}: expected ${what}`);
    return fallback;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.#env[name]?.trim() || fallback;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    // The value itself may hold a password: name the variable and the rule, never echo it.
    if (!url || !protocols.includes(url.protocol)) this.problem(`${name}: expected a ${protocols.join(' or ')}// URL`);
    return value;
  }

  /**
   * Comma-separated items, each checked by `isItem`; a bad one is reported as `"item" is not <what>`.
   * `skipEmpty` drops empty items ("a,,b") instead of reporting them.
   */
  list(name: string, fallback: string, isItem: (item: string) => boolean, what: string, options: { skipEmpty?: boolean } = {}): string[] {
    const raw = this.#env[name]?.trim() || fallback;
    let items = raw.split(',').map((item) => item.trim());
    if (options.skipEmpty) items = items.filter((item) => item !== '');
    for (const item of items) if (!isItem(item)) this.problem(`${name}=${JSON.stringify(raw)}: "${item}" is not ${what}`);
    return items;
  }

  // Variables several services read, with the same rule and default everywhere (design contract, section 3).

  /** The address to listen on. */
  host(name: string): string {
    return this.string(name, '127.0.0.1', /^[\w.:-]+$/, 'a host name or IP address');
  }

  /** KAFKA_BROKERS: host:port, comma-separated. */
  kafkaBrokers(): string[] {
    return this.list('KAFKA_BROKERS', '127.0.0.1:9092', isHostPort, 'host:port');
  }

  kafkaClientId(fallback: string): string {
    return this.string('KAFKA_CLIENT_ID', fallback, KAFKA_NAME, KAFKA_NAME_RULE);
  }

  kafkaTopic(name: string, fallback: string): string {
    return this.string(name, fallback, KAFKA_TOPIC, 'a Kafka topic name ([a-zA-Z0-9._-], at most 249)');
  }

  databaseUrl(): string {
    return this.url('DATABASE_URL', 'postgres://logs:logs@127.0.0.1:5432/logs', ['postgres:', 'postgresql:']);
  }

  /** PG_SCHEMA: the sink writes and the query API reads the same one, so both read it alike. */
  postgresSchema(): string {
    return this.string('PG_SCHEMA', 'public', /^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case PostgreSQL schema name');
  }

  elasticsearchUrl(): string {
    return this.url('ELASTICSEARCH_URL', 'http://127.0.0.1:9200', ['http:', 'https:']);
  }

  logLevel(): string {
    return this.oneOf('LOG_LEVEL', 'info', LOG_LEVELS);
  }
}

function isHostPort(value: string): boolean {
  const port = Number(value.slice(value.lastIndexOf(':') + 1));
  return /^[\w.-]+:\d+$/.test(value) && port >= 1 && port <= 65535;
}
