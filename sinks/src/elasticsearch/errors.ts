// The Elasticsearch sink's error codes. Every failure of write() means "the batch is not stored yet": the
// loop keeps the offset and delivers the batch again, so `retryable` only says whether that redelivery can
// succeed without an operator (store back up) or cannot (configuration or mapping bug to fix).
// These belong in the sinks package's catalogue (prefix SINK_) once it exists; they keep its shape.

interface CatalogueEntry {
  readonly retryable: boolean;
  readonly message: string;
}

export const ES_SINK_ERRORS = {
  SINK_ES_BAD_OPTIONS: { retryable: false, message: 'invalid Elasticsearch sink options' },
  SINK_ES_UNAVAILABLE: { retryable: true, message: 'Elasticsearch did not store the batch within the retry budget' },
  SINK_ES_REQUEST_REFUSED: { retryable: false, message: 'Elasticsearch refused the bulk request itself' },
  SINK_ES_ITEM_REFUSED: { retryable: true, message: 'Elasticsearch refused a document for a reason that is not the document (index block, missing index, auth)' },
  SINK_ES_BAD_RESPONSE: { retryable: true, message: 'the bulk response does not match the request' },
  SINK_ES_TEMPLATE_REFUSED: { retryable: false, message: 'Elasticsearch refused the index template' },
  SINK_ES_RETENTION_FAILED: { retryable: true, message: 'indices past retention were not all listed or deleted; the next run tries again' },
  SINK_ES_CLOSED: { retryable: true, message: 'the Elasticsearch sink is closed' },
} as const satisfies Record<`SINK_ES_${string}`, CatalogueEntry>;

export type EsSinkErrorCode = keyof typeof ES_SINK_ERRORS;

export class EsSinkError extends Error {
  readonly code: EsSinkErrorCode;
  readonly retryable: boolean;

  constructor(code: EsSinkErrorCode, message?: string, options: { cause?: unknown } = {}) {
    const entry: CatalogueEntry = ES_SINK_ERRORS[code];
    super(message === undefined ? entry.message : `${entry.message}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EsSinkError';
    this.code = code;
    this.retryable = entry.retryable;
  }

  isRetryable(): boolean {
    return this.retryable;
  }
}
