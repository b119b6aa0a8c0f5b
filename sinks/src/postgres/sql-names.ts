// Quoting of identifiers that become part of SQL text (schema and partition names) and the advisory
// lock keys derived from them. Pure.
import { createHash } from 'node:crypto';

/** A schema name we accept: lower-case, PostgreSQL's 63-byte limit, so quoting never has to escape. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A 64-bit advisory lock key for `purpose`, as a decimal string (postgres.js sends it as bigint).
 * Keys are per schema, so tests with their own schema never wait on each other or on the real sink.
 */
export function lockKey(...parts: string[]): string {
  return createHash('sha256').update(`logpipe:${parts.join('\u0000')}`).digest().readBigInt64BE(0).toString();
}
