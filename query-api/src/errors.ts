// The query API's error catalogue: every code a client or an operator can see, with its HTTP status.
// Each code is documented in query-api/README.md ("Errors"); test/errors.test.ts fails when a code
// used in src/ is missing here or there. @fastify/error would do the same job but is not a direct
// dependency, so this is the small hand-written equivalent of its createError(code, message, status).

/** One problem with one request parameter; `position`/`length` point into the parameter's text. */
export interface ErrorItem {
  param: string;
  message: string;
  position?: number;
  length?: number;
}

interface CatalogueEntry {
  readonly status: number;
  readonly message: string;
  /** Whether the same request may succeed later; such answers carry Retry-After. */
  readonly retryable: boolean;
}

export const ERRORS = {
  QRY_MISSING_KEY: { status: 401, retryable: false, message: 'this route needs an API key: send Authorization: Bearer <key>' },
  QRY_INVALID_KEY: { status: 401, retryable: false, message: 'the API key is unknown or revoked' },
  QRY_FORBIDDEN: { status: 403, retryable: false, message: 'the API key\'s role does not allow this' },
  QRY_INVALID_PARAMS: { status: 400, retryable: false, message: 'invalid request parameters' },
  QRY_INVALID_QUERY: { status: 400, retryable: false, message: 'the query is not valid' },
  QRY_INVALID_CURSOR: { status: 400, retryable: false, message: 'the cursor is not valid for this query' },
  QRY_QUERY_REJECTED: { status: 400, retryable: false, message: 'every store refused the query as too complex or too expensive' },
  QRY_BAD_REQUEST: { status: 400, retryable: false, message: 'malformed HTTP request' },
  QRY_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, message: 'send the body as application/json' },
  QRY_BODY_TOO_LARGE: { status: 413, retryable: false, message: 'request body is larger than the limit' },
  QRY_NOT_FOUND: { status: 404, retryable: false, message: 'no such route' },
  QRY_KEY_NOT_FOUND: { status: 404, retryable: false, message: 'no API key with this id' },
  QRY_LAST_ADMIN: { status: 409, retryable: false, message: 'this is the last active admin key; create another admin key before revoking it' },
  QRY_STORES_UNAVAILABLE: { status: 503, retryable: true, message: 'no store answered' },
  QRY_KEYS_UNAVAILABLE: { status: 503, retryable: true, message: 'the key store (PostgreSQL) is not reachable' },
  QRY_TAIL_UNAVAILABLE: { status: 503, retryable: true, message: 'the live tail is not consuming from Kafka yet' },
  QRY_TOO_MANY_SUBSCRIBERS: { status: 503, retryable: true, message: 'too many live tail subscribers on this process' },
  QRY_NOT_READY: { status: 503, retryable: true, message: 'not ready: no store is reachable or the live tail has not joined Kafka' },
  QRY_SHUTTING_DOWN: { status: 503, retryable: true, message: 'the query API is shutting down; retry on another instance or later' },
  QRY_INTERNAL: { status: 500, retryable: false, message: 'internal error' },
} as const satisfies Record<`QRY_${string}`, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

export interface QueryApiErrorOptions {
  message?: string;
  items?: ErrorItem[];
  /** Extra fields of the error body (e.g. `sources` of a 503), already safe to show a client. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class QueryApiError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly items: ErrorItem[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, options: QueryApiErrorOptions = {}) {
    const entry: CatalogueEntry = ERRORS[code];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QueryApiError';
    this.code = code;
    this.statusCode = entry.status;
    this.retryable = entry.retryable;
    this.items = options.items;
    this.details = options.details;
  }

  /** The JSON body of the answer; never includes the cause (it may name internals). */
  toBody(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.items === undefined ? {} : { items: this.items }),
        ...this.details,
      },
    };
  }
}

export const isQueryApiError = (err: unknown): err is QueryApiError => err instanceof QueryApiError;
