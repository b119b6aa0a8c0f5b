// The one place that decides what is retried (house style: a single is_retriable, as in Vector) and how long
// to wait before the next attempt. Pure: no timers, no I/O; the caller sleeps.
import { errors } from '@elastic/elasticsearch';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** No new attempt starts later than this after the first one (a running request may add requestTimeoutMs). */
  maxRetryTimeMs: number;
}

/**
 * True when the same request (or bulk item) may succeed later unchanged: 429 (a queue is full), 408 and any
 * 5xx (node busy, shard not ready, master not elected), or the request never got an answer (refused,
 * reset, timed out). Everything else is either the document's fault (400) or needs an operator.
 */
export function isRetriable(statusOrError: number | unknown): boolean {
  if (typeof statusOrError === 'number') return statusOrError === 429 || statusOrError === 408 || statusOrError >= 500;
  if (statusOrError instanceof errors.ResponseError) return isRetriable(statusOrError.statusCode ?? 0);
  return (
    statusOrError instanceof errors.ConnectionError ||
    statusOrError instanceof errors.TimeoutError ||
    statusOrError instanceof errors.NoLivingConnectionsError
  );
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a random
 * wait in [0, min(max, base * 2^retry)), so many sinks retrying after the same outage do not hit the node
 * in lockstep. `retry` counts from 0 for the first retry.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * ceiling);
}

/** Attempts and time left for one unit of work (a bulk chunk, the template). */
export class RetryBudget {
  #retries = 0;
  readonly #policy: RetryPolicy;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #deadline: number;

  constructor(policy: RetryPolicy, now: () => number = Date.now, random: () => number = Math.random) {
    this.#policy = policy;
    this.#now = now;
    this.#random = random;
    this.#deadline = now() + policy.maxRetryTimeMs;
  }

  /** The wait before the next attempt, or undefined when the attempts or the time are used up. */
  nextDelayMs(): number | undefined {
    if (this.#retries + 1 >= this.#policy.maxAttempts) return undefined;
    const delay = backoffDelayMs(this.#retries, this.#policy, this.#random);
    if (this.#now() + delay > this.#deadline) return undefined;
    this.#retries += 1;
    return delay;
  }
}
