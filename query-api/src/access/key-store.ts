// API keys in PostgreSQL (table api_keys, postgres/migrations.ts). Every statement is a tagged template
// (parameters only). Revocations and the first admin key are serialised by an advisory lock, so two
// processes can neither both create "the first" admin nor revoke the last two admins at once.
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';
import type { PgPool } from '@logpipe/runtime';
import { lockKey } from '../postgres/sql-names.js';
import { generateKey, hashKey, shownPrefix, type Role } from './keys.js';

export interface KeyRecord {
  id: string;
  name: string;
  role: Role;
  resourcePatterns: string[];
  /** The key's first characters (`lpk_AbCd`), to recognise it; never the key. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface NewKey {
  name: string;
  role: Role;
  resourcePatterns: string[];
}

interface Row {
  id: string;
  name: string;
  role: Role;
  resource_patterns: string[];
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toRecord = (row: Row): KeyRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  resourcePatterns: row.resource_patterns,
  prefix: row.key_prefix,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at === null ? null : row.revoked_at.toISOString(),
});

export type RevokeResult = { ok: true; record: KeyRecord } | { ok: false; reason: 'not-found' | 'last-admin' };

/** Name given to the key that LOGS_ADMIN_KEY holds, and to a generated first admin key. */
export const CONFIGURED_ADMIN_NAME = 'LOGS_ADMIN_KEY';
export const GENERATED_ADMIN_NAME = 'first admin key (generated)';

export class KeyStore {
  readonly #pool: PgPool;
  readonly #schema: string;

  constructor(pool: PgPool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
  }

  get #sql(): Sql {
    return this.#pool.current();
  }

  async #insert(sql: Sql | TransactionSql, key: string, input: NewKey): Promise<KeyRecord> {
    const [row] = await sql<Row[]>`
      insert into ${sql(this.#schema)}.api_keys (id, name, role, resource_patterns, key_hash, key_prefix)
      values (${randomUUID()}, ${input.name}, ${input.role}, ${input.resourcePatterns}, ${hashKey(key)}, ${shownPrefix(key)})
      returning id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at`;
    return toRecord(row as Row);
  }

  /** A new key; the returned `key` is the only time it exists outside the caller. */
  async create(input: NewKey): Promise<{ record: KeyRecord; key: string }> {
    const key = generateKey();
    return { record: await this.#insert(this.#sql, key, input), key };
  }

  async list(): Promise<KeyRecord[]> {
    const rows = await this.#sql<Row[]>`
      select id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at
      from ${this.#sql(this.#schema)}.api_keys order by created_at, id`;
    return rows.map(toRecord);
  }

  async findByHash(hash: Buffer): Promise<KeyRecord | undefined> {
    const [row] = await this.#sql<Row[]>`
      select id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at
      from ${this.#sql(this.#schema)}.api_keys where key_hash = ${hash}`;
    return row ? toRecord(row) : undefined;
  }

  /** Active keys with their hashes, to answer from memory while PostgreSQL is unreachable. */
  async active(): Promise<{ hash: Buffer; record: KeyRecord }[]> {
    const rows = await this.#sql<(Row & { key_hash: Buffer })[]>`
      select id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at, key_hash
      from ${this.#sql(this.#schema)}.api_keys where revoked_at is null`;
    return rows.map((row) => ({ hash: row.key_hash, record: toRecord(row) }));
  }

  /**
   * Revokes a key now (idempotent: a revoked key stays revoked, with its first revocation time). The last
   * active admin key cannot be revoked, so the API cannot be locked out of key management.
   */
  async revoke(id: string): Promise<RevokeResult> {
    return this.#sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${lockKey('api_keys', this.#schema)})`;
      const [row] = await tx<Row[]>`
        select id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at
        from ${tx(this.#schema)}.api_keys where id = ${id}`;
      if (!row) return { ok: false, reason: 'not-found' } as const;
      if (row.revoked_at !== null) return { ok: true, record: toRecord(row) } as const;
      if (row.role === 'admin') {
        const [other] = await tx`select 1 from ${tx(this.#schema)}.api_keys where role = 'admin' and revoked_at is null and id <> ${id} limit 1`;
        if (!other) return { ok: false, reason: 'last-admin' } as const;
      }
      const [updated] = await tx<Row[]>`
        update ${tx(this.#schema)}.api_keys set revoked_at = now() where id = ${id}
        returning id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at`;
      return { ok: true, record: toRecord(updated as Row) } as const;
    });
  }

  /**
   * Makes `key` an active, unscoped admin key (LOGS_ADMIN_KEY at start). Idempotent; a configured key that
   * was revoked through the API is active again: the operator's configuration says it is the admin key.
   */
  async ensureAdmin(key: string): Promise<KeyRecord> {
    const [row] = await this.#sql<Row[]>`
      insert into ${this.#sql(this.#schema)}.api_keys (id, name, role, resource_patterns, key_hash, key_prefix)
      values (${randomUUID()}, ${CONFIGURED_ADMIN_NAME}, 'admin', ${[] as string[]}, ${hashKey(key)}, ${shownPrefix(key)})
      on conflict (key_hash) do update set role = 'admin', resource_patterns = '{}', revoked_at = null
      returning id::text, name, role, resource_patterns, key_prefix, created_at, revoked_at`;
    return toRecord(row as Row);
  }

  /** When no active admin key exists, creates one and returns it (to be shown once); otherwise undefined. */
  async createFirstAdmin(): Promise<string | undefined> {
    return this.#sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${lockKey('api_keys', this.#schema)})`;
      const [admin] = await tx`select 1 from ${tx(this.#schema)}.api_keys where role = 'admin' and revoked_at is null limit 1`;
      if (admin) return undefined;
      const key = generateKey();
      await this.#insert(tx, key, { name: GENERATED_ADMIN_NAME, role: 'admin', resourcePatterns: [] });
      return key;
    });
  }
}
