// The query API's own tables, as numbered migrations applied at start, in the same schema as the sink's
// `logs` (PG_SCHEMA) but tracked in a table of their own, so neither package's versions collide with the
// other's. Several processes may start together: one transaction under an advisory lock applies them.
// A migration is never edited once released; a change is a new entry.
import { applyMigrations, ident, type NumberedMigration } from '@logpipe/runtime';
import type { Sql } from 'postgres';
import { lockKey } from './sql-names.js';

export interface Migration extends NumberedMigration {
  sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'api keys',
    sql: (s) => `
      create table ${s}.api_keys (
        id uuid primary key,
        name text not null,
        role text not null constraint api_keys_role_check check (role in ('admin', 'reader', 'ingester')),
        -- resourceId patterns every query of the key is AND-ed with; empty = every resource
        resource_patterns text[] not null default '{}',
        -- SHA-256 of the key; the key itself is never stored
        key_hash bytea not null constraint api_keys_key_hash_key unique,
        key_prefix text not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      );
      create index api_keys_active_admins_idx on ${s}.api_keys (role) where revoked_at is null;
    `,
  },
];

export async function migrate(sql: Sql, schema: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const s = ident(schema);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${lockKey('migrations', schema)})`;
    await tx.unsafe(`create schema if not exists ${s}`);
    const { applied } = await applyMigrations(tx, schema, 'query_api_migrations', migrations, (m) => m.sql(s));
    return applied;
  });
}
