// What every user of postgres.js needs to tell its errors apart. Pure. Each package decides what a
// SQLSTATE means for its own work (the sink: a row's fault or the store's; the query API: the answer).

export interface PgErrorLike {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  severity?: unknown;
}

/** The SQLSTATE of a server error, or undefined for client-side errors (connection refused, closed, timed out). */
export function sqlState(err: unknown): string | undefined {
  const e = err as PgErrorLike | null;
  // postgres.js sets `severity` only on errors the server sent; its own errors have codes like CONNECT_TIMEOUT.
  if (!e || typeof e !== 'object' || typeof e.severity !== 'string' || typeof e.code !== 'string') return undefined;
  return /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
}

/**
 * postgres.js 3.4.9 throws this from a timer, outside any query, when it writes to a connection whose
 * socket just closed (porsager/postgres#1154, #1208; fixes pending upstream). Nothing is lost: the query
 * on that connection fails or times out and is answered or delivered again as such. A process must not
 * die of it (each main.ts passes it to exitOnFatalErrors).
 */
export function isPostgresJsClosedSocketWrite(err: unknown): boolean {
  return err instanceof TypeError && /reading 'write'/.test(err.message) && /postgres[\\/]src[\\/]connection\.js/.test(err.stack ?? '');
}
