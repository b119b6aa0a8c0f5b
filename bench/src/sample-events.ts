// Deterministic, realistic-looking events for benchmarks: mixed levels, ~100-byte messages, a few
// hundred resources, trace ids on most events and a handful of metadata keys.
const LEVELS = ['debug', 'info', 'info', 'info', 'warn', 'error'] as const;
const WORDS = 'request served user cache miss retry timeout upstream database query slow connection reset payment order checkout session token refreshed'.split(' ');

/** Mulberry32: a tiny seeded PRNG, so every run sends the same events. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleEvents(count: number, seed = 42): Record<string, unknown>[] {
  const rand = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const start = Date.parse('2026-11-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 12 + Math.floor(rand() * 6) }, () => pick(WORDS));
    const event: Record<string, unknown> = {
      level: pick(LEVELS),
      message: `${words.join(' ')} in ${Math.floor(rand() * 900) + 10} ms`,
      resourceId: `server-${Math.floor(rand() * 300)}`,
      timestamp: new Date(start + i * 37).toISOString(),
      metadata: { region: pick(['eu-west-1', 'us-east-1', 'ap-south-1']), status: 200 + Math.floor(rand() * 4) * 100, cached: rand() < 0.3 },
    };
    if (rand() < 0.8) event.traceId = Math.floor(rand() * 2 ** 52).toString(16).padStart(16, '0');
    return event;
  });
}
