// The daily partitions of `logs`: created ahead on a schedule, on demand for any day a batch holds, and
// dropped past retention. Creation and dropping run in short transactions of their own, outside the
// write transaction, under one advisory lock per schema: CREATE TABLE … PARTITION OF and DROP TABLE lock
// the parent table, and holding that lock for a whole batch would stall every writer and reader.
//
// No DEFAULT partition: a row lands in its day's partition or nowhere. With a default partition, every
// later CREATE … PARTITION OF would have to scan it for rows of the new range (under lock), and rows in
// it would escape retention. A day PostgreSQL cannot have (year 0, beyond 9999) gets no partition; its
// rows fail with "no partition of relation" and go to the dead-letter topic like any refused row.
import { ident, type SqlSource } from '@logpipe/runtime';
import type { Logger } from 'pino';
import { addDays, dayOfPartition, formatDay, partitionName } from './days.js';
import { regexStatisticsSql } from './migrations.js';
import { isRowError } from './pg-errors.js';
import { lockKey } from './sql-names.js';

export interface RetentionResult {
  created: string[];
  dropped: string[];
  /** Finished days whose full-text indexes had rows waiting in their pending lists, now merged. */
  merged: string[];
}

export class PartitionManager {
  readonly #sql: SqlSource;
  readonly #schema: string;
  readonly #logger: Logger;
  /** Days known to have a partition; a cache, so a batch of known days costs no catalog query. */
  readonly #known = new Set<string>();
  readonly #lock: string;

  constructor(sql: SqlSource, schema: string, logger: Logger) {
    this.#sql = sql;
    this.#schema = schema;
    this.#logger = logger;
    this.#lock = lockKey('partitions', schema);
  }

  /** Forgets what it knew: another process may have dropped a partition (retention). */
  forget(): void {
    this.#known.clear();
  }

  /** Days (YYYY-MM-DD) of the existing partitions, from the catalog. */
  async list(): Promise<string[]> {
    const sql = this.#sql();
    const rows = await sql<{ name: string }[]>`
      select c.relname as name
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
      join pg_namespace n on n.oid = p.relnamespace
      where n.nspname = ${this.#schema} and p.relname = 'logs'`;
    return rows.map((r) => dayOfPartition(r.name)).filter((d): d is string => d !== undefined).sort();
  }

  /**
   * Makes sure every day has a partition. Returns the days it created. A day PostgreSQL refuses is
   * logged and skipped (its rows are refused later, one by one); a connection problem throws.
   */
  async ensure(days: Iterable<string>): Promise<string[]> {
    const missing = [...new Set(days)].filter((d) => !this.#known.has(d));
    if (missing.length === 0) return [];
    const s = ident(this.#schema);
    const created: string[] = [];
    await this.#sql().begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${this.#lock})`;
      const existing = new Set(
        (
          await tx<{ name: string }[]>`
            select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ${this.#schema} and c.relname in ${tx(missing.map(partitionName))}`
        ).map((r) => r.name),
      );
      for (const day of missing) {
        const name = partitionName(day);
        if (existing.has(name)) {
          this.#known.add(day);
          continue;
        }
        const next = addDays(day, 1);
        if (next === undefined) {
          this.#logger.warn({ day }, 'no partition for the last representable day; its rows will be dead-lettered');
          continue;
        }
        try {
          // Bounds carry an explicit UTC offset: the session's TimeZone must not move a day.
          await tx.savepoint(async (sp) => {
            await sp.unsafe(`create table if not exists ${s}.${ident(name)} partition of ${s}.logs for values from ('${day}T00:00:00Z') to ('${next}T00:00:00Z')`);
            // A new partition does not inherit the parent's statistics targets (migrations.ts, migration 3).
            await sp.unsafe(regexStatisticsSql(`${s}.${ident(name)}`));
          });
          this.#known.add(day);
          created.push(day);
        } catch (err) {
          if (!isRowError(err)) throw err;
          this.#logger.warn({ err, day }, 'PostgreSQL refused a partition for this day; its rows will be dead-lettered');
        }
      }
    });
    if (created.length > 0) this.#logger.info({ days: created }, 'created partitions');
    return created;
  }

  /**
   * Creates the partitions from yesterday to `aheadDays` after today, and drops those whose day is more
   * than `retentionDays` before today (the partition of day D holds D 00:00Z to D+1 00:00Z).
   */
  async maintain(now: Date, retentionDays: number, aheadDays: number): Promise<RetentionResult> {
    const today = formatDay(now.getTime())!;
    const ahead: string[] = [];
    for (let i = -1; i <= aheadDays; i++) {
      const day = addDays(today, i);
      if (day !== undefined) ahead.push(day);
    }
    this.forget();
    const created = await this.ensure(ahead);
    const cutoff = addDays(today, -retentionDays)!;
    const days = await this.list();
    const dropped: string[] = [];
    for (const day of days) {
      if (day >= cutoff) break; // sorted: the rest are newer
      await this.#drop(day);
      dropped.push(day);
    }
    if (dropped.length > 0) this.#logger.info({ days: dropped, retentionDays }, 'dropped partitions past retention');
    const merged: string[] = [];
    for (const day of days.slice(dropped.length)) {
      if (day >= today) break;
      try {
        if ((await this.#mergePending(day)) > 0) merged.push(day);
      } catch (err) {
        // Only the index's owner may merge (a sink writing into tables another role made), and the lists
        // only cost search time: retention's own results stand, the next run tries again.
        this.#logger.warn({ err, day }, "could not merge a finished day's GIN pending lists; its searches scan them until autovacuum merges them");
        break;
      }
    }
    if (merged.length > 0) this.#logger.info({ days: merged }, 'merged the pending lists of finished days');
    return { created, dropped, merged };
  }

  /**
   * Moves the rows waiting in the pending lists of a day's GIN indexes (words, trigrams) into the indexes;
   * returns the pages it emptied. Every search through such an index scans its whole pending list: 12 MB
   * left by a day's last writes cost each word search on 1M rows 14 ms (0.3 ms merged). Autovacuum merges
   * it too, but on an insert-only partition that can take a long time. An empty list costs one page read.
   * A partition another process just dropped has no indexes here (to_regclass is null), not an error.
   */
  async #mergePending(day: string): Promise<number> {
    const [row] = await this.#sql()<{ pages: number }[]>`
      select coalesce(sum(gin_clean_pending_list(i.indexrelid::regclass)), 0)::float8 as pages
      from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_am am on am.oid = ic.relam
      where i.indrelid = to_regclass(${`${ident(this.#schema)}.${ident(partitionName(day))}`}) and am.amname = 'gin'`;
    return row?.pages ?? 0;
  }

  async #drop(day: string): Promise<void> {
    // One short transaction per partition: DROP locks the parent; readers and writers wait only briefly.
    await this.#sql().begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${this.#lock})`;
      await tx.unsafe(`drop table if exists ${ident(this.#schema)}.${ident(partitionName(day))}`);
    });
    this.#known.delete(day);
  }
}
