// The sinks' error catalogue: every code an operator can see in logs, metrics and dead-letter headers.
// Each code is documented in sinks/README.md ("Errors"); test/errors.test.ts fails when one is missing.
// PostgreSQL refusals use the store's own code instead (`pg_<SQLSTATE>`, e.g. `pg_22P05`), as the
// Elasticsearch sink uses the error type Elasticsearch answered; both sets are closed and small.

interface CatalogueEntry {
  readonly message: string;
  /** Whether doing the same again later may succeed (the loop retries those; the others go to the DLQ). */
  readonly retryable: boolean;
}

export const ERRORS = {
  SINK_CONFIG_INVALID: { retryable: false, message: 'an environment variable has an invalid value' },
  SINK_EMPTY_VALUE: { retryable: false, message: 'the Kafka record has no value (a tombstone is not an event)' },
  SINK_UNKNOWN_SCHEMA: { retryable: false, message: 'the record carries a schema fingerprint this sink cannot read' },
  SINK_UNDECODABLE: { retryable: false, message: 'the record value is not an event in the Avro schema' },
  SINK_WRITE_FAILED: { retryable: true, message: 'the store did not confirm the batch; it is delivered again after a backoff' },
  SINK_OFFSETS_FAILED: { retryable: true, message: 'the offsets stored in the sink could not be read; retried after a backoff' },
  SINK_OFFSETS_AHEAD: { retryable: true, message: 'the offset stored by the sink is beyond the end of the partition (topic recreated?); reset the stored offsets' },
  SINK_DEAD_LETTER_FAILED: { retryable: true, message: 'Kafka did not acknowledge the dead letters; the batch is delivered again' },
  SINK_SHUTDOWN_TIMEOUT: { retryable: false, message: 'in-flight work did not finish within SINK_SHUTDOWN_TIMEOUT_MS' },
} as const satisfies Record<`SINK_${string}`, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

export class SinkError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERRORS[code].message, options);
    this.name = 'SinkError';
    this.code = code;
    this.retryable = ERRORS[code].retryable;
  }
}
