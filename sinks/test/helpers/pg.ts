// PostgreSQL of the local stack: each test gets a schema of its own, dropped when it ends.
import type { LogEvent } from '@logpipe/schemas';
import postgres, { type Sql } from 'postgres';
import { uniqueSuffix } from './events.js';

export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';

export function adminSql(): Sql {
  return postgres(databaseUrl, { max: 2, onnotice: () => {} });
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh schema name; its objects are dropped in teardown (the sink creates the schema itself). */
export function testSchema(t: Teardown, sql: Sql): string {
  const schema = `t_${uniqueSuffix()}`.toLowerCase();
  t.teardown(() => sql.unsafe(`drop schema if exists "${schema}" cascade`));
  return schema;
}

export interface LogRow {
  id: string;
  timestamp: string;
  received_at: string;
  level: string;
  message: string;
  resource_id: string;
  trace_id: string | null;
  span_id: string | null;
  commit: string | null;
  metadata: Record<string, unknown> | null;
  parent_resource_id: string | null;
}

/** Every row of `logs`, timestamps back in the codec's ISO form, ordered by (timestamp, id). */
/** The row the PostgreSQL sink must store for an event. */
export function expectedRow(e: LogEvent): LogRow {
  return {
    id: e.id,
    timestamp: e.timestamp,
    received_at: e.receivedAt,
    level: e.level,
    message: e.message,
    resource_id: e.resourceId,
    trace_id: e.traceId ?? null,
    span_id: e.spanId ?? null,
    commit: e.commit ?? null,
    metadata: e.metadata ?? null,
    parent_resource_id: typeof e.metadata?.parentResourceId === 'string' ? e.metadata.parentResourceId : null,
  };
}

export async function allRows(sql: Sql, schema: string): Promise<LogRow[]> {
  return sql<LogRow[]>`
    select id::text, to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "timestamp",
           to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at,
           level, message, resource_id, trace_id, span_id, "commit", metadata, parent_resource_id
    from ${sql(schema)}.logs order by "timestamp", id`;
}
