// Which PostgreSQL failures mean what for a query. Pure.

interface PgErrorLike {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

/** The SQLSTATE of a server error, or undefined for client-side errors (connection refused, closed, timed out). */
export function sqlState(err: unknown): string | undefined {
  const e = err as PgErrorLike | null;
  // postgres.js sets `severity` only on errors the server sent; its own errors have codes like CONNECT_TIMEOUT.
  if (!e || typeof e !== 'object' || typeof e.severity !== 'string' || typeof e.code !== 'string') return undefined;
  return /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
}

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

/**
 * postgres.js 3.4.9 throws this from a timer, outside any query, when it writes to a connection whose
 * socket just closed (porsager/postgres#1154, #1208). The query on that connection fails or times out
 * and is answered as such; the process must not die of it (main.ts). Same check as the PostgreSQL sink's.
 */
export function isPostgresJsClosedSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) && /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '');
}
