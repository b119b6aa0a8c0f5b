// HTTP to the query API and the gateway, with every failure turned into one CliError that says what
// to do: which server could not be reached and how to start it, which key was refused and how to
// replace it. No business rules here; the clients decide what a status means for their call.
import { CliError, type ErrorCode } from './errors.js';
import type { SettingSource } from './config.js';

export interface ServerTarget {
  /** How the user knows the server: "query API" or "gateway". */
  name: string;
  baseUrl: string;
  /** The flag and variable that choose the URL, named in "cannot reach" errors. */
  urlFlag: string;
  urlVariable: string;
  apiKey: string | undefined;
  apiKeySource: SettingSource | undefined;
  userAgent: string;
}

export interface RequestOptions {
  method?: string;
  query?: URLSearchParams;
  body?: string;
  contentType?: string;
  /** Whole-request limit; streaming calls pass none and use `signal`. */
  timeoutMs?: number;
  signal?: AbortSignal;
  accept?: string;
}

/** The error body of either service: `{"error": {"code", "message", ...}}`, or Fastify's own shape. */
export interface ServerError {
  code: string | undefined;
  message: string | undefined;
  body: Record<string, unknown> | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function parseServerError(text: string): ServerError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: undefined, message: text.trim().slice(0, 200) || undefined, body: undefined };
  }
  if (value === null || typeof value !== 'object') return { code: undefined, message: undefined, body: undefined };
  const record = value as Record<string, unknown>;
  const inner = record.error !== null && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : record;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return { code: str(inner.code), message: str(inner.message) ?? str(record.message), body: inner };
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** The errno-like code inside undici's "fetch failed" TypeError. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The innermost cause's message: undici wraps the reason ("bad port", "getaddrinfo …") in "fetch failed". */
function innermostMessage(err: unknown): string {
  let current = err as { message?: unknown; cause?: unknown };
  for (let depth = 0; depth < 4 && current.cause !== null && typeof current.cause === 'object'; depth++) current = current.cause as typeof current;
  return typeof current.message === 'string' ? current.message : String(err);
}

function unreachable(target: ServerTarget, err: unknown): CliError {
  const code = networkCode(err);
  const reason = (code && NETWORK_REASONS[code]) ?? innermostMessage(err);
  return new CliError(
    'CLI_UNREACHABLE',
    `cannot reach the ${target.name} at ${target.baseUrl} (${reason}); start the stack with \`logs stack up\`, or point ${target.urlFlag} or ${target.urlVariable} at a running ${target.name}`,
    { details: { url: target.baseUrl, reason }, cause: err },
  );
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/** Sends one request; network failures and timeouts become CliErrors, every HTTP status is returned. */
export async function send(target: ServerTarget, path: string, options: RequestOptions = {}): Promise<Response> {
  const url = `${target.baseUrl}${path}${options.query && options.query.size > 0 ? `?${options.query.toString()}` : ''}`;
  const headers: Record<string, string> = { 'user-agent': target.userAgent, accept: options.accept ?? 'application/json' };
  if (target.apiKey !== undefined) headers.authorization = `Bearer ${target.apiKey}`;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const timeoutMs = options.timeoutMs;
  const signals = [options.signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => s !== undefined);
  try {
    return await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(signals.length === 0 ? {} : { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) }),
    });
  } catch (err) {
    // The caller's own abort (Ctrl-C) is not a failure; let it through unchanged.
    if (options.signal?.aborted) throw err;
    if (isAbort(err)) {
      throw new CliError('CLI_TIMEOUT', `the ${target.name} at ${target.baseUrl} did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s; check that it is healthy (\`logs stack status\`) and try again`, {
        details: { url: target.baseUrl, timeoutMs },
      });
    }
    throw unreachable(target, err);
  }
}

/** A CliError for an error answer that the caller has no special meaning for. */
export function statusError(target: ServerTarget, status: number, server: ServerError, action: string): CliError {
  const said = server.message === undefined ? '' : `: ${server.message.replace(/\s+/g, ' ')}`;
  const details = { status, serverCode: server.code, serverMessage: server.message };
  let code: ErrorCode;
  let message: string;
  if (status === 401) {
    code = 'CLI_UNAUTHORIZED';
    message =
      target.apiKey === undefined
        ? `the ${target.name} needs an API key to ${action}; run \`logs login --api-key <key>\` or set LOGS_API_KEY`
        : `the ${target.name} refused the API key from ${keySourceName(target.apiKeySource)} (unknown or revoked)${said}; run \`logs login --api-key <key>\` with a valid key`;
  } else if (status === 403) {
    code = 'CLI_FORBIDDEN';
    message = `the API key may not ${action}${said}; use a key with the admin role (--api-key or LOGS_API_KEY)`;
  } else if (status === 404) {
    code = 'CLI_NOT_FOUND';
    message = `the ${target.name} at ${target.baseUrl} found nothing to ${action}${said}`;
  } else if (status >= 500) {
    code = 'CLI_SERVER_ERROR';
    message = `the ${target.name} failed to ${action} (HTTP ${status}${server.code ? ` ${server.code}` : ''})${said}; try again, and check \`logs stack status\` if it persists`;
  } else {
    code = 'CLI_SERVER_ERROR';
    message = `the ${target.name} refused to ${action} (HTTP ${status}${server.code ? ` ${server.code}` : ''})${said}`;
  }
  return new CliError(code, message, { details });
}

function keySourceName(source: SettingSource | undefined): string {
  switch (source) {
    case 'flag':
      return '--api-key';
    case 'env':
      return 'LOGS_API_KEY';
    case 'file':
      return 'the config file written by `logs login`';
    default:
      return 'the settings';
  }
}

/** Reads a JSON answer, or fails saying the server answered something else. */
export async function readJson<T>(target: ServerTarget, res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new CliError('CLI_BAD_RESPONSE', `the ${target.name} at ${target.baseUrl} answered HTTP ${res.status} with something that is not JSON; is ${target.urlFlag} pointing at the right server?`, {
      details: { status: res.status, body: text.slice(0, 200) },
    });
  }
}
