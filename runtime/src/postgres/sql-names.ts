// Identifiers that become part of SQL text and the advisory lock keys derived from them. Pure.
import { createHash } from 'node:crypto';

/** A quoted identifier. Schema names are checked against PG_SCHEMA's rule first, so quoting never has to escape. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A 64-bit advisory lock key, as a decimal string (postgres.js sends it as bigint), from a namespace of
 * the package taking it and the parts naming what it guards (a schema, a day): tests with a schema of
 * their own never wait on each other or on the real services.
 */
export function advisoryLockKey(namespace: string, parts: readonly string[]): string {
  return createHash('sha256').update(`${namespace}:${parts.join('\u0000')}`).digest().readBigInt64BE(0).toString();
}
