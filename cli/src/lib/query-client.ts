// The query API's routes as the CLI uses them (design contract, section 6): one search page, every
// page following the cursor, the live tail as Server-Sent Events, and API keys. Query text is sent as
// is; the API parses it and answers a positioned error, which becomes a CLI_QUERY_INVALID.
import type { LogEvent } from '@logpipe/schemas';
import { CliError, type QueryErrorPosition } from './errors.js';
import { DEFAULT_TIMEOUT_MS, parseServerError, readJson, send, statusError, type ServerError, type ServerTarget } from './http.js';
import { SseParser } from './sse.js';

/** The filters of search and tail; repeated values of one field are OR-ed by the API. */
export interface QueryFilters {
  q?: string | undefined;
  level?: string[] | undefined;
  resourceId?: string[] | undefined;
  traceId?: string[] | undefined;
  spanId?: string[] | undefined;
  commit?: string[] | undefined;
  parentResourceId?: string[] | undefined;
  message?: string[] | undefined;
  regex?: string[] | undefined;
}

export type SearchOrder = 'asc' | 'desc';
export type SearchSource = 'both' | 'elasticsearch' | 'postgres';

export interface SearchOptions extends QueryFilters {
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
  order?: SearchOrder | undefined;
  source?: SearchSource | undefined;
}

export interface SourceStatus {
  ok: boolean;
  tookMs?: number;
  count?: number;
  error?: string;
}

export interface SearchPage {
  hits: LogEvent[];
  nextCursor: string | null;
  partial: boolean;
  sources: Record<string, SourceStatus>;
  tookMs: number;
}

/** The most hits the API returns per page. */
export const MAX_PAGE_SIZE = 1000;

const FILTER_PARAMS = ['level', 'resourceId', 'traceId', 'spanId', 'commit', 'parentResourceId', 'message', 'regex'] as const;

/** The API's query string for a search or a tail (pure). */
export function queryParams(options: SearchOptions): URLSearchParams {
  const params = new URLSearchParams();
  if (options.q !== undefined && options.q.trim() !== '') params.set('q', options.q);
  for (const name of FILTER_PARAMS) for (const value of options[name] ?? []) params.append(name, value);
  if (options.from !== undefined) params.set('from', options.from);
  if (options.to !== undefined) params.set('to', options.to);
  if (options.limit !== undefined) params.set('limit', String(options.limit));
  if (options.cursor !== undefined) params.set('cursor', options.cursor);
  if (options.order !== undefined) params.set('order', options.order);
  if (options.source !== undefined) params.set('source', options.source);
  return params;
}

function positionsOf(server: ServerError): QueryErrorPosition[] {
  const body = server.body ?? {};
  const found: QueryErrorPosition[] = [];
  const add = (item: unknown, fallbackParam: string): void => {
    if (item === null || typeof item !== 'object') return;
    const r = item as Record<string, unknown>;
    const message = typeof r.message === 'string' ? r.message : undefined;
    if (message === undefined) return;
    const param = typeof r.param === 'string' ? r.param : fallbackParam;
    found.push({
      param,
      message,
      ...(typeof r.position === 'number' ? { position: r.position } : {}),
      ...(typeof r.length === 'number' ? { length: r.length } : {}),
    });
  };
  // The API lists one problem per parameter; a single located error may also sit on the error itself.
  for (const key of ['errors', 'items', 'details', 'params']) {
    const list = body[key];
    if (Array.isArray(list)) for (const item of list) add(item, 'q');
  }
  if (found.length === 0 && typeof body.position === 'number') add(body, typeof body.param === 'string' ? body.param : 'q');
  return found;
}

/** A 400 from search or tail: the query or a parameter is wrong, which is the user's to fix (exit 2). */
function queryError(server: ServerError): CliError {
  const positions = positionsOf(server);
  const described = positions.map((p) => `${p.param}: ${p.message}${p.position === undefined ? '' : ` (at position ${p.position})`}`);
  const what = described.length > 0 ? described.join('; ') : (server.message ?? 'the query API refused the query');
  return new CliError('CLI_QUERY_INVALID', `invalid query: ${what}; fix it and try again (\`logs search --help\` shows the language)`, {
    positions,
    details: { serverCode: server.code, serverMessage: server.message },
  });
}

function checkPage(target: ServerTarget, value: unknown): SearchPage {
  const page = value as Partial<SearchPage> | null;
  if (page === null || typeof page !== 'object' || !Array.isArray(page.hits)) {
    throw new CliError('CLI_BAD_RESPONSE', `the ${target.name} at ${target.baseUrl} answered a search without a "hits" list; is --api-url pointing at the query API?`);
  }
  return {
    hits: page.hits,
    nextCursor: typeof page.nextCursor === 'string' && page.nextCursor !== '' ? page.nextCursor : null,
    partial: page.partial === true,
    sources: page.sources ?? {},
    tookMs: typeof page.tookMs === 'number' ? page.tookMs : 0,
  };
}

export class QueryClient {
  constructor(readonly target: ServerTarget) {}

  async search(options: SearchOptions, signal?: AbortSignal): Promise<SearchPage> {
    const res = await send(this.target, '/api/search', { query: queryParams(options), timeoutMs: DEFAULT_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    if (res.ok) return checkPage(this.target, await readJson(this.target, res));
    const server = parseServerError(await res.text());
    if (res.status === 400) throw queryError(server);
    throw statusError(this.target, res.status, server, 'search');
  }

  /**
   * Every page from `options.cursor` on, each as soon as it arrives, until the API has no next cursor
   * or `maxHits` hits were yielded. Pages are asked for `pageSize` hits, fewer for the last one.
   */
  async *pages(options: SearchOptions, pageSize: number, maxHits: number, signal?: AbortSignal): AsyncGenerator<SearchPage> {
    let cursor = options.cursor;
    let remaining = maxHits;
    while (remaining > 0) {
      const page = await this.search({ ...options, cursor, limit: Math.min(pageSize, remaining) }, signal);
      remaining -= page.hits.length;
      yield page;
      // An empty page with a cursor would loop forever on a misbehaving server; stop instead.
      if (page.nextCursor === null || page.hits.length === 0) return;
      cursor = page.nextCursor;
    }
  }

  /** Opens the live tail; resolves once the API accepted it (headers received), with the event stream. */
  async tail(filters: QueryFilters, signal: AbortSignal): Promise<AsyncGenerator<TailItem>> {
    const res = await send(this.target, '/api/tail', { query: queryParams(filters), signal, accept: 'text/event-stream' });
    if (!res.ok) {
      const server = parseServerError(await res.text());
      if (res.status === 400) throw queryError(server);
      throw statusError(this.target, res.status, server, 'tail');
    }
    if (res.body === null) throw new CliError('CLI_BAD_RESPONSE', `the ${this.target.name} answered the tail without a body`);
    return tailItems(res.body, signal);
  }

  async createKey(request: CreateKeyRequest): Promise<ApiKeyCreated> {
    const res = await send(this.target, '/api/keys', { method: 'POST', body: JSON.stringify(request), contentType: 'application/json', timeoutMs: DEFAULT_TIMEOUT_MS });
    if (res.ok) return readJson<ApiKeyCreated>(this.target, res);
    const server = parseServerError(await res.text());
    if (res.status === 400) throw new CliError('CLI_USAGE', `the query API refused the key: ${server.message ?? 'bad request'}; check --role, --name and --resource`, { details: { serverCode: server.code } });
    throw statusError(this.target, res.status, server, 'create API keys');
  }

  async listKeys(): Promise<ApiKeyInfo[]> {
    const res = await send(this.target, '/api/keys', { timeoutMs: DEFAULT_TIMEOUT_MS });
    if (!res.ok) throw statusError(this.target, res.status, parseServerError(await res.text()), 'list API keys');
    const body = await readJson<{ keys?: unknown } | null>(this.target, res);
    if (!Array.isArray(body?.keys)) throw new CliError('CLI_BAD_RESPONSE', `the ${this.target.name} answered GET /api/keys without a list of keys`);
    return body.keys as ApiKeyInfo[];
  }

  async revokeKey(id: string): Promise<ApiKeyInfo> {
    const res = await send(this.target, `/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE', timeoutMs: DEFAULT_TIMEOUT_MS });
    if (res.ok) return readJson<ApiKeyInfo>(this.target, res);
    const server = parseServerError(await res.text());
    if (res.status === 400) throw new CliError('CLI_USAGE', `"${id}" is not a key id (${server.message ?? 'refused'}); \`logs keys list\` shows the ids`, { details: { id, serverCode: server.code } });
    if (res.status === 404) throw new CliError('CLI_NOT_FOUND', `no API key with id "${id}"; \`logs keys list\` shows the ids`, { details: { id, serverCode: server.code } });
    if (res.status === 409) throw new CliError('CLI_CONFLICT', `the query API would not revoke key ${id}: ${server.message ?? 'conflict'}`, { details: { id, serverCode: server.code } });
    throw statusError(this.target, res.status, server, 'revoke API keys');
  }
}

export interface CreateKeyRequest {
  name: string;
  role: string;
  resourcePatterns?: string[];
}

/** A key as the API lists it; the secret itself is only ever in the answer that created it. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: string;
  /** resourceId patterns every query of the key is limited to; empty = all. */
  resourcePatterns: string[];
  /** The first characters of the secret, to tell keys apart. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyCreated extends ApiKeyInfo {
  key: string;
}

/**
 * What the tail stream carries (query-api/src/tail/sse.ts): `ready` once the subscription is live, `log`
 * per matching event, `dropped` as the last word when the server ends the stream.
 */
export type TailItem = { kind: 'event'; event: LogEvent } | { kind: 'notice'; event: string; data: string };

/** Turns the SSE body into log events; other named events become notices. */
async function* tailItems(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncGenerator<TailItem> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  const onAbort = (): void => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      if (chunk.done) return;
      for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        const event = asLogEvent(message.event, message.data);
        yield event === undefined ? { kind: 'notice', event: message.event, data: message.data } : { kind: 'event', event };
      }
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

const EVENT_NAMES = new Set(['log', 'message']);

function asLogEvent(name: string, data: string): LogEvent | undefined {
  if (!EVENT_NAMES.has(name)) return undefined;
  try {
    const value = JSON.parse(data) as unknown;
    if (value !== null && typeof value === 'object' && typeof (value as LogEvent).id === 'string' && typeof (value as LogEvent).message === 'string') return value as LogEvent;
  } catch {
    // not an event: reported as a notice
  }
  return undefined;
}
