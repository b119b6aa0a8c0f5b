// Identifiers that become part of SQL text (the schema name from PG_SCHEMA, checked by config.ts against
// /^[a-z_][a-z0-9_]{0,62}$/) and advisory lock keys derived from them. Pure.
import { createHash } from 'node:crypto';

export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A 64-bit advisory lock key for `purpose`, as a decimal string (postgres.js sends it as bigint). */
export function lockKey(...parts: string[]): string {
  return createHash('sha256').update(`logpipe-query-api:${parts.join('\u0000')}`).digest().readBigInt64BE(0).toString();
}
