// Which PostgreSQL failures mean what for a query. Pure.
import { sqlState, type PgErrorLike } from '@logpipe/runtime';

export type PgFailure = 'timeout' | 'rejected' | 'unavailable' | 'missing-table' | 'failed';

export function classifyPgError(err: unknown): PgFailure {
  const state = sqlState(err);
  if (state === undefined) return 'unavailable';
  // 57014: statement_timeout, or the cancel sent when the caller stopped waiting.
  if (state === '57014') return 'timeout';
  if (state === '42P01' || state === '3F000') return 'missing-table';
  // 22: data exception (a value of the query PostgreSQL cannot take, an invalid regular expression 2201B);
  // 54: program limit (a regular expression or statement too complex). The query's fault, not the store's.
  if (state.startsWith('22') || state.startsWith('54')) return 'rejected';
  if (['08', '53', '57', '58'].includes(state.slice(0, 2))) return 'unavailable';
  return 'failed';
}

export function pgMessage(err: unknown): string {
  const message = (err as PgErrorLike | null)?.message;
  const text = typeof message === 'string' ? message : 'unknown error';
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
