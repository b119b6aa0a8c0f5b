// At most one log line per interval for something that repeats while a store is down (a retry every
// ~150 ms per bulk body), so an outage does not flood the logs; the calls in between are counted and the
// next line carries that count. Metrics still count every occurrence: they are where the rate is read.

export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #loggedAt = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  constructor(intervalMs: number, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Calls `log` with the number of calls suppressed since the last line, or counts this one. */
  run(log: (suppressed: number) => void): void {
    const now = this.#now();
    if (now - this.#loggedAt < this.#intervalMs) {
      this.#suppressed += 1;
      return;
    }
    const suppressed = this.#suppressed;
    this.#loggedAt = now;
    this.#suppressed = 0;
    log(suppressed);
  }
}
