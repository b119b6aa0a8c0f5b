// What the caller passes to the PostgreSQL sink, its defaults, and the validation that turns it into the
// config the sink runs on. Plain values only: reading the environment is config.ts's job.
import { SinkError } from '../errors.js';
import type { DedupeScope } from './write-batch.js';
import { SCHEMA_NAME } from './sql-names.js';

export interface PostgresSinkOptions {
  /** postgres://user:password@host:port/database (one host) */
  url: string;
  /** Schema holding `logs`, its partitions, `sink_offsets` and `schema_migrations` (tests use their own). */
  schema: string;
  /** Partitions whose whole day is more than this many days before today are dropped. */
  retentionDays: number;
  /** How often partitions are created ahead and dropped past retention. */
  maintenanceIntervalMs: number;
  /** Partitions created ahead of today (plus yesterday), so the first event of a day never waits for DDL. */
  partitionsAheadDays: number;
  /** Connections of the pool: one per partition written concurrently, plus maintenance and probes. */
  maxConnections: number;
  connectTimeoutSeconds: number;
  healthcheckTimeoutMs: number;
  /**
   * A write not done by then fails (and is delivered again). postgres.js waits without limit for a
   * server that accepts connections and drops them; the transaction, if it still commits, is safe: the
   * redelivery waits for its offset lock and skips what it stored.
   */
  writeTimeoutMs: number;
  /** Where an id already stored with another timestamp is looked for: its day's partition, or all (write-batch.ts). */
  dedupeScope: DedupeScope;
}

export type PostgresSinkConfig = PostgresSinkOptions;

export function defaultPostgresSinkOptions(): PostgresSinkOptions {
  return {
    url: 'postgres://logs:logs@127.0.0.1:5432/logs',
    schema: 'public',
    retentionDays: 30,
    maintenanceIntervalMs: 60 * 60 * 1000,
    partitionsAheadDays: 2,
    maxConnections: 4,
    connectTimeoutSeconds: 10,
    healthcheckTimeoutMs: 2000,
    writeTimeoutMs: 60_000,
    dedupeScope: 'day',
  };
}

const INTS = {
  retentionDays: { min: 1, max: 36_500 },
  maintenanceIntervalMs: { min: 10, max: 24 * 60 * 60 * 1000 },
  partitionsAheadDays: { min: 0, max: 366 },
  maxConnections: { min: 2, max: 100 },
  connectTimeoutSeconds: { min: 1, max: 600 },
  healthcheckTimeoutMs: { min: 50, max: 60_000 },
  writeTimeoutMs: { min: 100, max: 3_600_000 },
} as const satisfies Partial<Record<keyof PostgresSinkOptions, { min: number; max: number }>>;

/** Merges `options` over the defaults and names every bad option in one error. */
export function resolvePostgresSinkConfig(options: Partial<PostgresSinkOptions> = {}): PostgresSinkConfig {
  const defaults = defaultPostgresSinkOptions();
  const known = new Set(Object.keys(defaults));
  const problems: string[] = [];
  for (const key of Object.keys(options)) if (!known.has(key)) problems.push(`unknown option ${key}`);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<PostgresSinkOptions>;
  const config: PostgresSinkConfig = { ...defaults, ...defined };
  try {
    const url = new URL(config.url);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') problems.push('url must be a postgres:// URL');
  } catch {
    problems.push('url must be a postgres:// URL');
  }
  if (typeof config.schema !== 'string' || !SCHEMA_NAME.test(config.schema)) problems.push(`schema must match ${SCHEMA_NAME} (got ${JSON.stringify(config.schema)})`);
  if (config.dedupeScope !== 'day' && config.dedupeScope !== 'table') problems.push(`dedupeScope must be day or table (got ${JSON.stringify(config.dedupeScope)})`);
  for (const [key, rule] of Object.entries(INTS)) {
    const value = config[key as keyof typeof INTS];
    if (!Number.isInteger(value) || value < rule.min || value > rule.max) problems.push(`${key} must be an integer from ${rule.min} to ${rule.max} (got ${JSON.stringify(value)})`);
  }
  if (problems.length > 0) throw new SinkError('SINK_CONFIG_INVALID', `invalid PostgreSQL sink options: ${problems.join('; ')}`);
  return config;
}
