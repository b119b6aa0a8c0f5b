// Caps the _bulk requests in flight for the whole sink: the loop may call write() for several partitions at
// once, and Elasticsearch answers 429 sooner the more bulk requests compete for its write thread pool.

export class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = max;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#active < this.#max) this.#active += 1;
    // A released slot is handed straight to the first waiter, so #active never drops and lets a newcomer overtake.
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }
}
