// The error catalogue of @logpipe/schemas. Every code thrown by this package is listed here with
// what it means for the caller; a test fails if a thrown code is missing.

export const SCHEMA_ERROR_CODES = {
  SCHEMA_UNKNOWN_FINGERPRINT:
    'A Kafka message names an Avro writer schema this process does not know, or carries no schema header. ' +
    'Retrying will not help; upgrading the consumer will. Do not drop the message.',
  SCHEMA_DECODE_FAILED: 'A Kafka message value is not valid Avro for the schema its header names (corrupt or truncated bytes).',
  SCHEMA_ENCODE_FAILED: 'An event does not fit the Avro schema; it was not produced by normalizeEvent.',
  SCHEMA_INCOMPATIBLE: 'A writer schema given to EventCodec cannot be resolved to the current schema; raised at start-up.',
} as const;

export type SchemaErrorCode = keyof typeof SCHEMA_ERROR_CODES;

/** Base of every error this package throws: a stable `code`, the `cause`, and whether to retry. */
export abstract class SchemaError extends Error {
  abstract readonly code: SchemaErrorCode;

  /** None of these errors goes away by retrying the same bytes in the same process. */
  isRetryable(): boolean {
    return false;
  }
}

export class UnknownSchemaError extends SchemaError {
  readonly code = 'SCHEMA_UNKNOWN_FINGERPRINT';
  override readonly name = 'UnknownSchemaError';
  /** The fingerprint from the header, lower-case hex; `''` when the header was missing. */
  readonly fingerprint: string;

  constructor(fingerprint: string, knownFingerprints: readonly string[], header: string) {
    const known = knownFingerprints.join(', ');
    super(
      fingerprint === ''
        ? `The message has no "${header}" header, so its Avro writer schema is unknown (known: ${known}). ` +
            'It was not written by a logpipe producer, or by one older than the header.'
        : `Unknown Avro writer schema fingerprint ${fingerprint} in header "${header}" (this consumer knows ${known}). ` +
            'The event was written with a newer schema: upgrade this consumer to a @logpipe/schemas release that includes it.',
    );
    this.fingerprint = fingerprint;
  }
}

export class SchemaDecodeError extends SchemaError {
  readonly code = 'SCHEMA_DECODE_FAILED';
  override readonly name = 'SchemaDecodeError';
  readonly fingerprint: string;

  constructor(fingerprint: string, cause: unknown) {
    super(`Cannot decode the Avro event written with schema ${fingerprint}: ${messageOf(cause)}`, { cause });
    this.fingerprint = fingerprint;
  }
}

export class SchemaEncodeError extends SchemaError {
  readonly code = 'SCHEMA_ENCODE_FAILED';
  override readonly name = 'SchemaEncodeError';

  constructor(cause: unknown) {
    super(`Cannot encode the event as Avro: ${messageOf(cause)}`, { cause });
  }
}

export class SchemaIncompatibleError extends SchemaError {
  readonly code = 'SCHEMA_INCOMPATIBLE';
  override readonly name = 'SchemaIncompatibleError';
  readonly fingerprint: string;

  constructor(fingerprint: string, cause: unknown) {
    super(`Avro writer schema ${fingerprint} cannot be read with the current LogEvent schema: ${messageOf(cause)}`, { cause });
    this.fingerprint = fingerprint;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
