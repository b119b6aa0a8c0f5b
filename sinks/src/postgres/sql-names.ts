// Identifiers that become part of SQL text (schema and partition names) and the advisory lock keys
// derived from them. Pure.
import { advisoryLockKey } from '@logpipe/runtime';

/** A schema name we accept: lower-case, PostgreSQL's 63-byte limit, so quoting never has to escape. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Keys are per schema, so tests with their own schema never wait on each other or on the real sink. */
export function lockKey(...parts: string[]): string {
  return advisoryLockKey('logpipe', parts);
}
