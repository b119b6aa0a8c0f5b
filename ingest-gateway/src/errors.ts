// The gateway's error catalogue: every code a client or an operator can see, with its HTTP status.
// Each code is documented in ingest-gateway/README.md ("Errors"); test/errors.test.ts fails when a code
// used in src/ is missing here or there. @fastify/error would do the same job but is not a direct
// dependency, so this is the small hand-written equivalent of its createError(code, message, status).

export interface ErrorItem {
  /** Position of the event in the request (array index, or the n-th non-blank NDJSON line, from 0). */
  index: number;
  /** JSON pointer inside that event ('' for the event itself). */
  path: string;
  message: string;
  /** NDJSON only: the 1-based line of the body. */
  line?: number;
}

interface CatalogueEntry {
  readonly status: number;
  readonly message: string;
  /** Whether the same request may succeed later; such answers carry Retry-After. */
  readonly retryable: boolean;
}

export const ERRORS = {
  GW_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false, message: 'unsupported content type; send application/json or application/x-ndjson (UTF-8)' },
  GW_BODY_TOO_LARGE: { status: 413, retryable: false, message: 'request body is larger than the limit' },
  GW_TOO_MANY_EVENTS: { status: 413, retryable: false, message: 'request holds more events than the limit' },
  GW_EMPTY_BODY: { status: 400, retryable: false, message: 'request body is empty' },
  GW_EMPTY_BATCH: { status: 400, retryable: false, message: 'request holds no events' },
  GW_INVALID_UTF8: { status: 400, retryable: false, message: 'request body is not valid UTF-8' },
  GW_INVALID_JSON: { status: 400, retryable: false, message: 'request body is not valid JSON' },
  GW_INVALID_NDJSON: { status: 400, retryable: false, message: 'a line of the NDJSON body is not valid JSON' },
  GW_INVALID_BODY: { status: 400, retryable: false, message: 'request body must be an event object or an array of them' },
  GW_INVALID_EVENTS: { status: 400, retryable: false, message: 'one or more events are invalid; nothing was accepted' },
  GW_BAD_REQUEST: { status: 400, retryable: false, message: 'malformed HTTP request' },
  GW_NOT_FOUND: { status: 404, retryable: false, message: 'no such route' },
  GW_OVERLOADED: { status: 429, retryable: true, message: 'the gateway holds too many bytes not yet acknowledged by Kafka; retry later' },
  GW_BROKER_UNAVAILABLE: { status: 503, retryable: true, message: 'Kafka did not acknowledge the events; retry later with the same ids' },
  GW_PRODUCE_TIMEOUT: { status: 503, retryable: true, message: 'Kafka did not acknowledge the events in time; retry later with the same ids' },
  GW_SHUTTING_DOWN: { status: 503, retryable: true, message: 'the gateway is shutting down; retry on another instance or later' },
  GW_NOT_READY: { status: 503, retryable: true, message: 'Kafka is not reachable' },
  GW_INTERNAL: { status: 500, retryable: false, message: 'internal error' },
} as const satisfies Record<`GW_${string}`, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

export interface GatewayErrorOptions {
  message?: string;
  items?: ErrorItem[];
  /** Ids of the request's events, so a client retrying after a 503 can resend them unchanged. */
  ids?: string[];
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly items: ErrorItem[] | undefined;
  readonly ids: string[] | undefined;

  constructor(code: ErrorCode, options: GatewayErrorOptions = {}) {
    const entry: CatalogueEntry = ERRORS[code];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.statusCode = entry.status;
    this.retryable = entry.retryable;
    this.items = options.items;
    this.ids = options.ids;
  }

  /** The JSON body of the answer; never includes the cause (it may name internals). */
  toBody(): { error: { code: ErrorCode; message: string; items?: ErrorItem[]; ids?: string[] } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.items === undefined ? {} : { items: this.items }),
        ...(this.ids === undefined ? {} : { ids: this.ids }),
      },
    };
  }
}

export const isGatewayError = (err: unknown): err is GatewayError => err instanceof GatewayError;
