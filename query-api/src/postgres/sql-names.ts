// The query API's advisory lock keys (identifiers in SQL text are @logpipe/runtime's `ident`). Pure.
import { advisoryLockKey } from '@logpipe/runtime';

/** A 64-bit advisory lock key for `parts`, apart from the sink's keys for the same schema. */
export function lockKey(...parts: string[]): string {
  return advisoryLockKey('logpipe-query-api', parts);
}
