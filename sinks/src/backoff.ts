// Delay before delivering a failed batch again: exponential, capped, with "equal jitter" (half fixed,
// half random), so processes that failed together do not retry in lockstep and no delay collapses to ~0.
// Pure; `random` is injectable for tests.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** attempt counts from 0 (the delay after the first failure). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  // 2 ** 40 already exceeds every cap; clamping the exponent keeps the arithmetic finite.
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 40));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
