// The postgres.js pool behind a getter, so it can be replaced. postgres.js 3.4.9 can leave a pooled
// connection unusable after its socket died with a write buffered: later queries on it are never sent
// and wait forever (porsager/postgres#1208). A fresh pool has fresh connections; ending the old one
// rejects whatever still waits on it. The PostgreSQL sink does the same (sinks/src/postgres/pool.ts).
import type { Sql } from 'postgres';

export type SqlSource = () => Sql;

/** Replacing the pool costs reconnects: during an outage, at most once per this interval. */
const MIN_RECYCLE_INTERVAL_MS = 1000;

export class PgPool {
  readonly #create: (() => Sql) | undefined;
  #sql: Sql;
  #recycledAt = 0;
  readonly #retiring = new Set<Promise<void>>();

  /** `create` makes a pool; without it (an injected pool, in tests) recycle() does nothing. */
  constructor(sql: Sql, create?: () => Sql) {
    this.#sql = sql;
    this.#create = create;
  }

  readonly current: SqlSource = () => this.#sql;

  /** Replaces the pool; the old one's connections close within a second, failing what waits on them. */
  recycle(): void {
    if (!this.#create || Date.now() - this.#recycledAt < MIN_RECYCLE_INTERVAL_MS) return;
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
