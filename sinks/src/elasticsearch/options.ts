// What the caller passes to the Elasticsearch sink, its defaults, and the validation that turns it into the
// config the sink runs on. Plain values only: reading the environment is the service config's job.
import { EsSinkError } from './errors.js';
import type { RetryPolicy } from './retry.js';

export interface ElasticsearchSinkOptions {
  /** Base URL of the node, e.g. http://127.0.0.1:9200. */
  node: string;
  /** Daily indices are `<indexPrefix>-YYYY.MM.DD`; the template matches `<indexPrefix>-*`. */
  indexPrefix: string;
  /** Alias every daily index joins; absent means the prefix itself (`logs`). */
  alias?: string;
  /** Upper bound of one _bulk body (action and source lines); a single larger document goes alone. */
  maxBulkBytes: number;
  /** _bulk requests in flight at once, for the whole sink (shared by concurrent write() calls). */
  bulkConcurrency: number;
  /** Timeout of one HTTP request to Elasticsearch. */
  requestTimeoutMs: number;
  healthcheckTimeoutMs: number;
  retry: RetryPolicy;
  /** Index template priority; absent means 200 + prefix length (see template.ts). */
  templatePriority?: number;
  /** Daily indices whose whole day is more than this many days before today (UTC) are deleted (retention.ts). */
  retentionDays: number;
  /** Time between retention runs; the first one runs at start. */
  retentionIntervalMs: number;
}

/** The validated options; `alias` and `templatePriority` are resolved. */
export interface ElasticsearchSinkConfig extends Required<ElasticsearchSinkOptions> {
  templateName: string;
}

const MiB = 1024 * 1024;

export function defaultElasticsearchSinkOptions(): ElasticsearchSinkOptions {
  return {
    node: 'http://127.0.0.1:9200',
    indexPrefix: 'logs',
    // Measured on the 2-core dev machine (see the report of issue 4): 5 MiB x 2 in flight keeps one shard busy
    // while the next body is serialised; larger bodies did not index faster and cost more memory per retry.
    maxBulkBytes: 5 * MiB,
    bulkConcurrency: 2,
    requestTimeoutMs: 30_000,
    healthcheckTimeoutMs: 2_000,
    retry: { maxAttempts: 8, baseBackoffMs: 100, maxBackoffMs: 5_000, maxRetryTimeMs: 30_000 },
    retentionDays: 30,
    retentionIntervalMs: 60 * 60 * 1000,
  };
}

// Elasticsearch index and alias names: lowercase, no `\ / * ? " < > | , # :` or space, not starting with
// `- _ +`. Stricter here (ASCII letters, digits, `. _ -`) so a name is also safe in a URL and in a pattern.
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

interface IntRule {
  min: number;
  max: number;
}

const INTS = {
  maxBulkBytes: { min: 1024, max: 100 * MiB }, // http.max_content_length defaults to 100 MiB
  bulkConcurrency: { min: 1, max: 64 },
  requestTimeoutMs: { min: 100, max: 600_000 },
  healthcheckTimeoutMs: { min: 50, max: 60_000 },
  // At least 1: a day is only complete, and so only ever expired, once it is over.
  retentionDays: { min: 1, max: 36_500 },
  retentionIntervalMs: { min: 10, max: 24 * 60 * 60 * 1000 },
} as const satisfies Partial<Record<keyof ElasticsearchSinkOptions, IntRule>>;

const RETRY_INTS = {
  maxAttempts: { min: 1, max: 1_000 },
  baseBackoffMs: { min: 0, max: 60_000 },
  maxBackoffMs: { min: 0, max: 600_000 },
  maxRetryTimeMs: { min: 0, max: 3_600_000 },
} as const satisfies Record<keyof RetryPolicy, IntRule>;

const KNOWN = new Set<string>(['node', 'indexPrefix', 'alias', 'maxBulkBytes', 'bulkConcurrency', 'requestTimeoutMs', 'healthcheckTimeoutMs', 'retry', 'templatePriority', 'retentionDays', 'retentionIntervalMs']);

const checkInt = (problems: string[], name: string, value: unknown, rule: IntRule): void => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < rule.min || value > rule.max) {
    problems.push(`${name} must be an integer from ${rule.min} to ${rule.max} (got ${JSON.stringify(value)})`);
  }
};

const definedOnly = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Merges `options` over the defaults and names every bad option in one error. */
export function resolveElasticsearchSinkConfig(options: Partial<ElasticsearchSinkOptions> = {}): ElasticsearchSinkConfig {
  const problems: string[] = [];
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) problems.push(`unknown option ${key}`);

  const defaults = defaultElasticsearchSinkOptions();
  // An undefined value means "not set" (a caller mapping optional settings), not "set to undefined".
  const merged = { ...defaults, ...definedOnly(options), retry: { ...defaults.retry, ...definedOnly(options.retry ?? {}) } };
  for (const key of Object.keys(merged.retry)) if (!(key in RETRY_INTS)) problems.push(`unknown option retry.${key}`);

  try {
    const url = new URL(merged.node);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`node must be an http(s) URL (got ${merged.node})`);
  } catch {
    problems.push(`node must be an http(s) URL (got ${JSON.stringify(merged.node)})`);
  }
  const alias = merged.alias ?? merged.indexPrefix;
  if (typeof merged.indexPrefix !== 'string' || !NAME.test(merged.indexPrefix)) problems.push(`indexPrefix must match ${NAME} (got ${JSON.stringify(merged.indexPrefix)})`);
  if (typeof alias !== 'string' || !NAME.test(alias)) problems.push(`alias must match ${NAME} (got ${JSON.stringify(alias)})`);
  // An alias may not share a name with an index: one that the template's pattern could create is refused.
  else if (alias.startsWith(`${merged.indexPrefix}-`)) problems.push(`alias must not start with "${merged.indexPrefix}-" (daily index names do)`);
  for (const [key, rule] of Object.entries(INTS)) checkInt(problems, key, merged[key as keyof typeof INTS], rule);
  for (const [key, rule] of Object.entries(RETRY_INTS)) checkInt(problems, `retry.${key}`, merged.retry[key as keyof RetryPolicy], rule);
  if (merged.retry.maxBackoffMs < merged.retry.baseBackoffMs) problems.push('retry.maxBackoffMs must be at least retry.baseBackoffMs');
  const templatePriority = merged.templatePriority ?? 200 + String(merged.indexPrefix).length;
  checkInt(problems, 'templatePriority', templatePriority, { min: 0, max: 1_000_000 });

  if (problems.length > 0) throw new EsSinkError('SINK_ES_BAD_OPTIONS', problems.join('; '));
  return { ...merged, alias, templatePriority, templateName: `logpipe-${merged.indexPrefix}` };
}
