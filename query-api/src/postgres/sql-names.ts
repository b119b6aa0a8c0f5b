// Identifiers that become part of SQL text (the schema name from PG_SCHEMA, checked by config.ts against
// /^[a-z_][a-z0-9_]{0,62}$/) and advisory lock keys derived from them. Pure.
import { advisoryLockKey } from '@logpipe/runtime';

export { ident } from '@logpipe/runtime';

/** A 64-bit advisory lock key for `parts`, apart from the sink's keys for the same schema. */
export function lockKey(...parts: string[]): string {
  return advisoryLockKey('logpipe-query-api', parts);
}
