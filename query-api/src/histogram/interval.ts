// Histogram buckets: the interval (given or chosen), the bucket starts over the range, and the merge of
// two stores' counts. Buckets start at multiples of the interval since 1970-01-01T00:00:00Z in both stores
// (Elasticsearch fixed_interval, PostgreSQL date_bin with that origin), so their buckets line up. Pure.
import type { StoreBucket } from '../stores/contract.js';

export const MAX_BUCKETS = 1000;
/** About this many buckets when the interval is chosen: enough shape for a chart, cheap for both stores. */
export const TARGET_BUCKETS = 60;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

// Round intervals a reader expects on a time axis, smallest first.
const NICE_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500]
  .concat([1, 2, 5, 10, 15, 30].map((s) => s * UNIT_MS.s))
  .concat([1, 2, 5, 10, 15, 30].map((m) => m * UNIT_MS.m))
  .concat([1, 2, 3, 6, 12].map((h) => h * UNIT_MS.h))
  .concat([1, 2, 7, 14, 30].map((d) => d * UNIT_MS.d));

/** `250ms`, `30s`, `5m`, `1h`, `1d`, `1w` → ms; undefined when not of that form or not positive. */
export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,9})(ms|s|m|h|d|w)$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as Unit];
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** The interval in its largest whole unit: 300000 → `5m`. */
export function formatInterval(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** The smallest round interval giving at most TARGET_BUCKETS buckets over the range. */
export function autoInterval(rangeMs: number): number {
  const wanted = Math.max(1, rangeMs) / TARGET_BUCKETS;
  for (const ms of NICE_MS) if (ms >= wanted) return ms;
  return Math.ceil(wanted / UNIT_MS.d) * UNIT_MS.d;
}

export const bucketStart = (ms: number, intervalMs: number): number => Math.floor(ms / intervalMs) * intervalMs;

/** Number of buckets from the one holding fromMs to the one holding toMs, both included. */
export const bucketCount = (fromMs: number, toMs: number, intervalMs: number): number =>
  toMs < fromMs ? 0 : (bucketStart(toMs, intervalMs) - bucketStart(fromMs, intervalMs)) / intervalMs + 1;

export interface Bucket {
  startMs: number;
  count: number;
}

/**
 * Every bucket of [fromMs, toMs], empty ones included, with the largest count any store gave for it.
 * Both stores hold every event once the sinks caught up, so their counts agree; while one lags, or lost
 * events the other has, the larger count is the closer one. (A sum would count every event twice, and
 * the events themselves are not at hand to de-duplicate.)
 */
export function mergeBuckets(perStore: readonly (readonly StoreBucket[])[], fromMs: number, toMs: number, intervalMs: number): Bucket[] {
  const counts = new Map<number, number>();
  for (const buckets of perStore) {
    for (const b of buckets) counts.set(b.startMs, Math.max(counts.get(b.startMs) ?? 0, b.count));
  }
  const buckets: Bucket[] = [];
  const first = bucketStart(fromMs, intervalMs);
  const last = bucketStart(toMs, intervalMs);
  for (let start = first; start <= last; start += intervalMs) buckets.push({ startMs: start, count: counts.get(start) ?? 0 });
  return buckets;
}
