// What the query API asks of a store (Elasticsearch, PostgreSQL): the same questions, each compiled from
// the same AST by @logpipe/schemas, so the answers can be merged. A store knows its client and its
// dialect; fan-out, merging and paging are the caller's (search/).
import type { LogEvent, QueryNode } from '@logpipe/schemas';

export const STORE_NAMES = ['elasticsearch', 'postgres'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export type Order = 'asc' | 'desc';

/** A place in the (timestamp, id) order: the last hit of a page. */
export interface Position {
  ms: number;
  id: string;
}

export interface StoreCall {
  /** Aborted when the caller stops waiting (per-store timeout, client gone); the store cancels its work. */
  signal: AbortSignal;
  /** The caller's deadline, so the store can bound its own server-side work to it. */
  timeoutMs: number;
}

export interface StoreSearchRequest extends StoreCall {
  ast: QueryNode;
  order: Order;
  /** Rows to return at most (the caller asks one more than a page, to know whether another follows). */
  size: number;
  /** Only events strictly after this position in `order`. */
  after?: Position;
}

export interface StoreHistogramRequest extends StoreCall {
  ast: QueryNode;
  /** Fixed bucket width; buckets start at multiples of it since 1970-01-01T00:00:00Z (the shared origin). */
  intervalMs: number;
}

/** A non-empty bucket: its start (epoch ms) and its number of events. */
export interface StoreBucket {
  startMs: number;
  count: number;
}

export interface StoreStats {
  count: number;
  newest: { id: string; timestamp: string } | null;
}

export interface LogStore {
  readonly name: StoreName;
  /** Events matching `ast`, ordered by (timestamp, id) in `order`, at most `size`. */
  search(request: StoreSearchRequest): Promise<LogEvent[]>;
  histogram(request: StoreHistogramRequest): Promise<StoreBucket[]>;
  stats(ast: QueryNode, call: StoreCall): Promise<StoreStats>;
  /** Whether the store answers at all (readiness). */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Why a store did not answer. `rejected`: the store refused this query (too complex, invalid for it) —
 * asking again will not help; `timeout`: no answer within the deadline; `unavailable`: not reachable;
 * `failed`: anything else.
 */
export type StoreErrorKind = 'rejected' | 'timeout' | 'unavailable' | 'failed';

export class StoreError extends Error {
  constructor(
    readonly store: StoreName,
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
