// The PostgreSQL schema of the sink, as numbered migrations applied at start (design contract, section
// 2). Several sink processes start together, so the migrations run in one transaction under an advisory
// lock: the first applies them, the others wait and then find nothing left to do. A migration is never
// edited once released; a change is a new entry.
//
// Table `logs` — what the query API reads:
//   id uuid, timestamp timestamptz (ms), received_at timestamptz, level text (one of LEVELS),
//   message text, resource_id text, trace_id text, span_id text, commit text, metadata jsonb,
//   parent_resource_id text (generated: metadata->>'parentResourceId').
// Range-partitioned by day on timestamp (one partition per UTC day, `logs_pYYYYMMDD`), primary key
// (id, timestamp): a partitioned table's unique keys must include the partition key, so uniqueness of
// id alone is enforced by the writer (see write-batch.ts), not by an index.
//
// Indexes (each defined once on the parent; every partition gets its own):
// - (timestamp, id) for keyset paging in time order, the default listing;
// - (field, timestamp) for every filter field, so "field = x, newest first" is one ordered index range;
//   optional fields are partial (`where field is not null`), absent values cost no index entries;
// - full text: GIN on to_tsvector('simple', message). 'simple' lower-cases and splits words without
//   stemming or stop words, in any language: a bare word matches that whole word case-insensitively,
//   as in Elasticsearch's standard analyzer and the live-tail predicate, so the three backends agree.
//   ('english' would make `running` match `run` and drop `not`, `and`, `to`… from the index.) Queries
//   must use the same expression, to_tsvector('simple', message), to use it;
// - regex and substring: GIN on message with pg_trgm's gin_trgm_ops (`~`, `~*`, `like`, `ilike`).
// The two GIN indexes are most of the cost of a row (measured: copying 100k rows takes 1.2 s with the
// primary key alone, +2.5 s for the seven btrees, +3.5 s for full text, +5 s for trigrams).
//
// Migration 2 — words: column `words text`, the query language's words of the message (messageWordsText of
// @logpipe/schemas, lower-cased tokens joined by one space), written by the sink, NULL in rows stored before.
// Indexed as `array_to_tsvector(string_to_array(words, ' '))`: exactly that set of words as lexemes, with no
// text-search parser in between (PostgreSQL's would split and drop tokens its own way, e.g. `²`, `½`), so a
// word or prefix tsquery on it is exact; compileSql in @logpipe/schemas uses the same expression
// (WORDS_TSVECTOR_SQL). It replaces the full-text index on message, which no query uses any more.
//
// Migration 3 — statistics: the columns a regex can test keep a 1,000-entry histogram instead of 100. The
// planner estimates a regex by running it over the histogram, and a trigram index that cannot narrow a
// regex (`in 9[0-9]{2} ms`: every message has those trigrams) looks selective to it when the sample is
// small: on a million rows it chose a bitmap scan rechecking every row (2.6 s) over walking the
// (timestamp, id) index until 100 matched (40 ms). partitions.ts sets the same on each new partition,
// which does not inherit it.
import { applyMigrations, ident, type AppliedMigrations, type NumberedMigration } from '@logpipe/runtime';
import type { Sql } from 'postgres';
import { LEVELS } from '@logpipe/schemas';
import { lockKey } from './sql-names.js';

export interface Migration extends NumberedMigration {
  /** SQL text for schema `s` (quoted); `trgm` is the schema-qualified pg_trgm operator class. */
  sql: (names: { s: string; trgm: string }) => string;
}

// GIN indexes take new rows into a pending list and merge it in bulk when it is full; a list larger
// than the 4 MB default merges less often, which is the cheaper way to index a steady stream (copying
// 100k rows: full-text index 5.7 s -> 3.4 s with 32 MB). Searches also scan the pending list, so it
// stays moderate; autovacuum empties it between merges.
const GIN_PENDING_LIST_KB = 16 * 1024;
const levelList = LEVELS.map((l) => `'${l}'`).join(', ');

/** The text columns a query may match with a regex; see migration 3. */
const REGEX_COLUMNS = ['message', 'resource_id', 'trace_id', 'span_id', '"commit"', 'parent_resource_id'];
const REGEX_COLUMN_STATISTICS = 1000;

/** ALTER TABLE … SET STATISTICS of migration 3 for `table` (quoted): on the parent it reaches every partition. */
export const regexStatisticsSql = (table: string): string =>
  `alter table ${table} ${REGEX_COLUMNS.map((c) => `alter column ${c} set statistics ${REGEX_COLUMN_STATISTICS}`).join(', ')}`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'logs table, indexes, sink offsets',
    sql: ({ s, trgm }) => `
      create table ${s}.logs (
        id uuid not null,
        "timestamp" timestamptz not null,
        received_at timestamptz not null,
        level text not null constraint logs_level_check check (level in (${levelList})),
        message text not null,
        resource_id text not null,
        trace_id text,
        span_id text,
        "commit" text,
        metadata jsonb,
        parent_resource_id text generated always as (metadata ->> 'parentResourceId') stored,
        constraint logs_pkey primary key (id, "timestamp")
      ) partition by range ("timestamp");

      create index logs_timestamp_id_idx on ${s}.logs ("timestamp", id);
      create index logs_level_idx on ${s}.logs (level, "timestamp");
      create index logs_resource_id_idx on ${s}.logs (resource_id, "timestamp");
      create index logs_trace_id_idx on ${s}.logs (trace_id, "timestamp") where trace_id is not null;
      create index logs_span_id_idx on ${s}.logs (span_id, "timestamp") where span_id is not null;
      create index logs_commit_idx on ${s}.logs ("commit", "timestamp") where "commit" is not null;
      create index logs_parent_resource_id_idx on ${s}.logs (parent_resource_id, "timestamp") where parent_resource_id is not null;
      create index logs_message_fts_idx on ${s}.logs using gin (to_tsvector('simple', message)) with (gin_pending_list_limit = ${GIN_PENDING_LIST_KB});
      create index logs_message_trgm_idx on ${s}.logs using gin (message ${trgm}) with (gin_pending_list_limit = ${GIN_PENDING_LIST_KB});

      -- Where each consumer group resumes, written in the same transaction as the rows it covers.
      create table ${s}.sink_offsets (
        group_id text not null,
        topic text not null,
        partition integer not null,
        next_offset bigint not null,
        updated_at timestamptz not null default now(),
        primary key (group_id, topic, partition)
      );
    `,
  },
  {
    version: 2,
    name: 'words column and its index, instead of full text on message',
    sql: ({ s }) => `
      alter table ${s}.logs add column words text;
      create index logs_words_idx on ${s}.logs using gin (array_to_tsvector(string_to_array(words, ' '))) with (gin_pending_list_limit = ${GIN_PENDING_LIST_KB});
      drop index if exists ${s}.logs_message_fts_idx;
    `,
  },
  {
    version: 3,
    name: 'larger statistics for the columns a regex can test',
    sql: ({ s }) => `${regexStatisticsSql(`${s}.logs`)};`,
  },
];

export type MigrationResult = AppliedMigrations;

/** Applies the missing migrations to `schema` (created if needed) in one transaction. */
export async function migrate(sql: Sql, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  const s = ident(schema);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${lockKey('migrations', schema)})`;
    await tx.unsafe(`create schema if not exists ${s}`);
    // pg_trgm is a trusted extension: the database owner may create it. It may live in any schema, so
    // its operator class is named with the schema it is in rather than found through search_path.
    await tx.unsafe('create extension if not exists pg_trgm');
    const [ext] = await tx<{ schema: string }[]>`select extnamespace::regnamespace::text as schema from pg_extension where extname = 'pg_trgm'`;
    const trgm = `${ext!.schema}.gin_trgm_ops`;
    return applyMigrations(tx, schema, 'schema_migrations', migrations, (m) => m.sql({ s, trgm }));
  });
}
