// Which PostgreSQL errors are a row's fault (that row goes to the dead-letter topic) and which are the
// store's (the whole batch is retried later). Pure.
//
// A row's fault, by SQLSTATE class: 22 data exception (invalid input for uuid/timestamptz/jsonb, value
// out of range, NUL / untranslatable character), 23 integrity constraint (the level check, no partition
// for the row), 54 program limit (e.g. a value too long for an index or a tsvector). Everything else —
// connection loss (postgres.js codes like CONNECTION_CLOSED, ECONNREFUSED), 08 connection, 40
// serialization/deadlock, 53 resources, 57 shutdown, 42 (a schema problem: every row would fail) — is
// the store's, and retrying the batch later is right.
import { sqlState, type PgErrorLike } from '@logpipe/runtime';

const ROW_CLASSES = new Set(['22', '23', '54']);

export function isRowError(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && ROW_CLASSES.has(state.slice(0, 2));
}

/** 23514 is also a CHECK violation; only this message means the row's day has no partition. */
export function isNoPartitionError(err: unknown): boolean {
  return sqlState(err) === '23514' && /no partition of relation/.test(String((err as PgErrorLike).message));
}

/** The dead letter's reason: PostgreSQL's message, and its detail when it has one. */
export function rowErrorReason(err: unknown): string {
  const e = err as PgErrorLike;
  const detail = typeof e.detail === 'string' && e.detail !== '' ? ` (${e.detail})` : '';
  return `PostgreSQL refused the row: ${String(e.message)}${detail}`;
}

export function rowErrorCode(err: unknown): string {
  return `pg_${sqlState(err) ?? 'unknown'}`;
}

/**
 * An error that may go away by itself (store down or restarting, connection lost, overload, deadlock),
 * as opposed to one an operator must fix (permissions, a missing database, a schema conflict).
 */
export function isTransientError(err: unknown): boolean {
  const state = sqlState(err);
  if (state === undefined) return true; // client-side: refused, reset, timed out, closed
  return ['08', '40', '53', '57', '58'].includes(state.slice(0, 2)) || state === '55P03';
}
