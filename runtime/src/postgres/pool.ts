// The postgres.js pool behind a getter, so it can be replaced. postgres.js 3.4.9 can leave a pooled
// connection unusable after its socket died with a write buffered: the write timer is cleared but never
// reset, so later writes on that connection are never sent and their queries wait forever
// (porsager/postgres#1208; the same path throws "Cannot read properties of null (reading 'write')",
// #1154). A fresh pool has fresh connections; ending the old one rejects whatever still waits on it.
import type { Sql } from 'postgres';

export type SqlSource = () => Sql;

export interface PgPoolOptions {
  /** Replacing the pool costs reconnects: at most once per this interval (0: every time it is asked). */
  minRecycleIntervalMs?: number;
}

export class PgPool {
  readonly #create: (() => Sql) | undefined;
  readonly #minRecycleIntervalMs: number;
  #sql: Sql;
  #recycledAt = Number.NEGATIVE_INFINITY;
  readonly #retiring = new Set<Promise<void>>();

  /** `create` makes a pool; without it (an injected pool, in tests) recycle() does nothing. */
  constructor(sql: Sql, create?: () => Sql, options: PgPoolOptions = {}) {
    this.#sql = sql;
    this.#create = create;
    this.#minRecycleIntervalMs = options.minRecycleIntervalMs ?? 0;
  }

  readonly current: SqlSource = () => this.#sql;

  /** Replaces the pool; the old one's connections close within a second, failing what waits on them. */
  recycle(): void {
    if (!this.#create || Date.now() - this.#recycledAt < this.#minRecycleIntervalMs) return;
    this.#recycledAt = Date.now();
    const old = this.#sql;
    this.#sql = this.#create();
    const retired = old.end({ timeout: 1 }).catch(() => {});
    this.#retiring.add(retired);
    void retired.finally(() => this.#retiring.delete(retired));
  }

  async end(): Promise<void> {
    if (this.#create) await this.#sql.end({ timeout: 5 });
    await Promise.allSettled([...this.#retiring]);
  }
}
