// Cuts one partition's fetched records into consecutive slices bounded by count and bytes, so a sink
// never receives more than SINK_BATCH_MAX_RECORDS / SINK_BATCH_MAX_BYTES at once. Pure.

export interface SliceLimits {
  maxRecords: number;
  maxBytes: number;
}

/**
 * Consecutive, non-empty slices in input order. A single item larger than maxBytes gets a slice of its
 * own rather than being refused: the limit bounds batching, not what Kafka already accepted.
 */
export function sliceBySize<T>(items: readonly T[], sizeOf: (item: T) => number, limits: SliceLimits): T[][] {
  const slices: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= limits.maxRecords || bytes + size > limits.maxBytes)) {
      slices.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) slices.push(current);
  return slices;
}
