// One SinkBatch into PostgreSQL, in one transaction (design contract, section 2):
//   1. the partitions of the batch's days exist (their own short transactions, see partitions.ts);
//   2. lock the group's offset row for this partition; records below the stored offset are already
//      stored (a redelivery after a crash between this commit and Kafka's), so they are skipped;
//   3. COPY the rest into a session-local staging table, then
//      insert into logs select … from staging where not exists (same id in logs) on conflict do nothing;
//   4. store the partition's next offset; commit.
// Rows, offset and the skip decision commit together: a crash at any point leaves either all of it or
// none, so a redelivered batch never stores a row twice and never loses one.
//
// Identity. `id` is the event's identity, but a partitioned table can only enforce keys that include the
// partition key, so the primary key is (id, timestamp). What keeps one row per id:
// - `on conflict do nothing` on (id, timestamp): a redelivered event (Kafka redelivery, a gateway or
//   client retry) always has the same timestamp, so the primary key catches it, even against a
//   concurrent writer;
// - `distinct on (id)` over staging: the same id twice in one batch keeps the first;
// - `where not exists (select 1 from logs l where l.id = s.id …)`: skips an id already stored with
//   another timestamp. Its scope (PG_DEDUPE_SCOPE) is a cost decision, measured with 33 daily partitions
//   of 100k rows, per batch of 10k rows:
//     `day` (default): only the row's own day partition, pruned at plan time: ~40 ms (4 µs a row).
//       The same rule as Elasticsearch, where _id is unique per daily index;
//     `table`: every partition, one index probe each: ~1.4 s (140 µs a row, ~7k rows/s at best, and
//       growing with retention; as a hash anti-join it would read the whole table instead).
//   The same id with a timestamp on another day is stored again under `day`; only a client reusing an
//   id for a different event does that.
// The limit under either scope: two transactions committing the same id with *different* timestamps at
// the same moment both see "not exists" and both insert. Writers of one Kafka partition are serialised
// by the offset lock, and one id normally stays in one Kafka partition (key = resourceId).
//
// COPY never sees a bad value. The staging table is all text and the insert casts (uuid, timestamptz,
// jsonb), so a value PostgreSQL refuses fails the insert, an ordinary statement, and never the COPY:
// postgres.js 3.4 never settles a COPY writable that the server fails after end() (porsager/postgres
// #1173), which would hang the transaction. Rows with a NUL character, which text cannot carry, are
// refused before the COPY. A COPY that still does not finish (connection lost in that window) is
// abandoned after COPY_FINISH_TIMEOUT_MS and the write fails; the batch is delivered again.
//
// Refused rows. If the insert fails with a row's error (pg-errors.ts), the batch is bisected
// inside the transaction with savepoints: halves that succeed stay, a failing half is split again, and
// a failing single row is returned as rejected with PostgreSQL's message (one bad row in n costs about
// 2·log2(n) small attempts). Any other error aborts the whole write; the loop delivers the batch again.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ident, type SqlSource } from '@logpipe/runtime';
import type { TransactionSql } from 'postgres';
import type { Rejected, SinkBatch, SinkRecord, WriteResult } from '../contract.js';
import { encodeRows, nulField } from './copy-text.js';
import { addDays, partitionDay } from './days.js';
import { lockStoredOffset, storeOffset, type OffsetKey } from './offsets.js';
import type { PartitionManager } from './partitions.js';
import { isNoPartitionError, isRowError, rowErrorCode, rowErrorReason } from './pg-errors.js';
import { lockKey } from './sql-names.js';

export type DedupeScope = 'day' | 'table';

export interface BatchWriterDeps {
  sql: SqlSource;
  schema: string;
  groupId: string;
  partitions: PartitionManager;
  dedupeScope: DedupeScope;
}

/** Thrown inside the transaction when a row's day lost its partition (dropped by another process). */
class MissingPartitionError extends Error {
  constructor(cause: unknown) {
    super('a partition the batch needs does not exist', { cause });
  }
}

// Session-local (temp) and kept for the session; ON COMMIT DELETE ROWS empties it at every commit.
// All text: the insert parses (see above).
const CREATE_STAGING = `
  create temp table if not exists logs_staging (
    ord integer not null, day text, id text, ts text, received_at text, level text, message text,
    resource_id text, trace_id text, span_id text, "commit" text, metadata text, words text
  ) on commit delete rows`;

// From CopyDone to the server's answer takes milliseconds (staging has no index); this only bounds
// the case postgres.js never reports.
const COPY_FINISH_TIMEOUT_MS = 15_000;

const NUL_CODE = 'pg_22021'; // character_not_in_repertoire: what PostgreSQL answers for a NUL byte

export class BatchWriter {
  readonly #sql: SqlSource;
  readonly #schema: string;
  readonly #groupId: string;
  readonly #partitions: PartitionManager;
  readonly #scope: DedupeScope;
  /** $1 day, $2 its start, $3 the next day's start (UTC); the constant bounds prune at plan time. */
  readonly #insertDay: string;
  /** Rows no partition can hold: inserted only to get PostgreSQL's refusal for each. */
  readonly #insertNoDay: string;
  readonly #insertTable: string;

  constructor(deps: BatchWriterDeps) {
    this.#sql = deps.sql;
    this.#schema = deps.schema;
    this.#groupId = deps.groupId;
    this.#partitions = deps.partitions;
    this.#scope = deps.dedupeScope;
    const logs = `${ident(deps.schema)}.logs`;
    const insert = (where: string, notExists: string) => `
      insert into ${logs} (id, "timestamp", received_at, level, message, resource_id, trace_id, span_id, "commit", metadata, words)
      select distinct on (s.id) s.id, s.ts, s.received_at, s.level, s.message, s.resource_id, s.trace_id, s.span_id, s."commit", s.metadata, s.words
      from (
        select ord, id::uuid as id, ts::timestamptz as ts, received_at::timestamptz as received_at, level, message,
               resource_id, trace_id, span_id, "commit", metadata::jsonb as metadata, words
        from pg_temp.logs_staging where ${where}
      ) s
      ${notExists}
      order by s.id, s.ord
      on conflict do nothing`;
    // `offset 0` keeps each `not exists` a subplan run per staged row with its id as a parameter: one
    // index probe per row and partition, whatever the estimates. Pulled up into a join, it is planned
    // from statistics that a fresh staging table and a fresh partition do not have, and came out as a
    // nested loop over the whole partition (10k x 10k comparisons, 45 s for one batch) or a hash of it.
    this.#insertDay = insert(
      'day = $1',
      `where not exists (select 1 from ${logs} l where l.id = s.id and l."timestamp" >= $2::timestamptz and l."timestamp" < $3::timestamptz offset 0)`,
    );
    this.#insertNoDay = insert('day is null', '');
    this.#insertTable = insert('true', `where not exists (select 1 from ${logs} l where l.id = s.id offset 0)`);
  }

  async write(batch: SinkBatch): Promise<WriteResult> {
    const days = new Set<string>();
    for (const r of batch.records) {
      const day = partitionDay(r.event.timestamp);
      if (day !== undefined) days.add(day);
    }
    await this.#partitions.ensure(days);
    try {
      return await this.#writeOnce(batch, false);
    } catch (err) {
      if (!(err instanceof MissingPartitionError)) throw err;
      // Retention elsewhere dropped a partition this process thought existed: look again, once.
      this.#partitions.forget();
      await this.#partitions.ensure(days);
      return this.#writeOnce(batch, true);
    }
  }

  #writeOnce(batch: SinkBatch, missingPartitionIsRowError: boolean): Promise<WriteResult> {
    const key: OffsetKey = { groupId: this.#groupId, topic: batch.topic, partition: batch.partition };
    return this.#sql().begin(async (tx) => {
      // The advisory lock serialises writers of one partition even before its offset row exists (a
      // process that lost the partition in a rebalance may still be finishing a write).
      await tx`select pg_advisory_xact_lock(${lockKey('offsets', this.#schema, key.groupId, key.topic, String(key.partition))})`;
      const storedNext = await lockStoredOffset(tx, this.#schema, key);
      const pending = storedNext === undefined ? batch.records : batch.records.filter((r) => BigInt(r.offset) >= storedNext);
      const rejected: Rejected[] = [];
      const sendable: SinkRecord[] = [];
      for (const record of pending) {
        const field = nulField(record);
        if (field === undefined) sendable.push(record);
        else rejected.push({ record, code: NUL_CODE, reason: `PostgreSQL refused the row: ${field} contains a NUL character (U+0000), which text cannot hold` });
      }
      if (sendable.length > 0) {
        await tx.unsafe(CREATE_STAGING);
        rejected.push(...(await this.#storeIsolating(tx, sendable, missingPartitionIsRowError, true)));
      }
      // With refused rows, the stored offset stays at the first of them: the loop publishes them to the
      // dead-letter topic only after this commit, and a crash before that must deliver them again (the
      // rows after them are then skipped as duplicates). The next batch moves the offset on.
      let next = BigInt(batch.nextOffset);
      for (const r of rejected) {
        const offset = BigInt(r.record.offset);
        if (offset < next) next = offset;
      }
      // Never backwards: a stale writer (a partition's previous owner) must not undo a newer offset.
      if (storedNext === undefined || next > storedNext) await storeOffset(tx, this.#schema, key, next);
      return { stored: batch.records.length - rejected.length, rejected, retried: 0 };
    });
  }

  async #storeIsolating(tx: TransactionSql, records: SinkRecord[], missingPartitionIsRowError: boolean, whole: boolean): Promise<Rejected[]> {
    try {
      await tx.savepoint(async (sp) => {
        await this.#copyAndInsert(sp, records);
        // Bisecting: the next half is copied into the same staging table; it must hold only that half.
        if (!whole) await sp`delete from pg_temp.logs_staging`;
      });
      return [];
    } catch (err) {
      if (!isRowError(err)) throw err;
      if (isNoPartitionError(err) && !missingPartitionIsRowError) throw new MissingPartitionError(err);
      if (records.length === 1) return [{ record: records[0]!, reason: rowErrorReason(err), code: rowErrorCode(err) }];
      const mid = Math.ceil(records.length / 2);
      const left = await this.#storeIsolating(tx, records.slice(0, mid), missingPartitionIsRowError, false);
      const right = await this.#storeIsolating(tx, records.slice(mid), missingPartitionIsRowError, false);
      return [...left, ...right];
    }
  }

  async #copyAndInsert(tx: TransactionSql, records: SinkRecord[]): Promise<void> {
    const copy = await tx`copy pg_temp.logs_staging (ord, day, id, ts, received_at, level, message, resource_id, trace_id, span_id, "commit", metadata, words) from stdin`.writable();
    const rows = Readable.from(encodeRows(records));
    let timer: NodeJS.Timeout | undefined;
    // Armed when the last row was handed to the COPY stream, i.e. when end() is about to be called.
    const abandoned = new Promise<never>((_resolve, reject) => {
      rows.once('end', () => {
        timer = setTimeout(() => reject(new Error(`COPY did not finish within ${COPY_FINISH_TIMEOUT_MS} ms`)), COPY_FINISH_TIMEOUT_MS);
      });
    });
    try {
      await Promise.race([pipeline(rows, copy), abandoned]);
    } finally {
      clearTimeout(timer);
    }
    if (this.#scope === 'table') {
      await tx.unsafe(this.#insertTable);
      return;
    }
    // One insert per day (usually one; two around midnight), each checking ids in its own partition.
    const days = new Set<string | undefined>(records.map((r) => partitionDay(r.event.timestamp)));
    for (const day of days) {
      if (day === undefined) await tx.unsafe(this.#insertNoDay);
      else await tx.unsafe(this.#insertDay, [day, `${day}T00:00:00Z`, `${addDays(day, 1)!}T00:00:00Z`]);
    }
  }
}
