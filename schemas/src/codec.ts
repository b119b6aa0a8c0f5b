// LogEvent <-> Kafka value bytes, with the writer schema named by a header (design contract, section 2).
// The header, not a magic-byte prefix, carries the schema identity, so the value stays plain Avro
// binary and any Avro tool can read it given the schema.
import type { Resolver, Schema, Type } from 'avsc';
import { LOG_EVENT_AVRO_SCHEMA, fromAvroLogEvent, toAvroLogEvent, type AvroLogEvent } from './avro.js';
import { avroFingerprint, createAvroType } from './avro-type.js';
import type { LogEvent } from './event.js';
import { SchemaDecodeError, SchemaEncodeError, SchemaIncompatibleError, UnknownSchemaError } from './errors.js';

/** Kafka header carrying the writer schema's fingerprint: hex SHA-256 of its Parsing Canonical Form. */
export const SCHEMA_FINGERPRINT_HEADER = 'logpipe-schema';

export interface EventCodecOptions {
  /** Schema `encode` writes with; default: the current LogEvent schema. */
  writerSchema?: Schema;
  /** Further writer schemas `decode` accepts (the current one and `writerSchema` always are). */
  knownSchemas?: readonly Schema[];
}

export class EventCodec {
  /** Fingerprint of the writer schema: the value of the SCHEMA_FINGERPRINT_HEADER header. */
  readonly fingerprint: string;
  readonly #writer: Type;
  readonly #reader: Type;
  // Resolvers are built once here, per known writer schema; decode only looks one up.
  // `null` marks the reader's own schema, which needs no resolution (the fast path).
  readonly #resolvers = new Map<string, Resolver | null>();

  constructor(options: EventCodecOptions = {}) {
    this.#reader = createAvroType(LOG_EVENT_AVRO_SCHEMA);
    this.#resolvers.set(avroFingerprint(this.#reader), null);
    this.#writer = options.writerSchema === undefined ? this.#reader : createAvroType(options.writerSchema);
    this.fingerprint = avroFingerprint(this.#writer);
    for (const writer of [this.#writer, ...(options.knownSchemas ?? []).map(createAvroType)]) {
      const fingerprint = avroFingerprint(writer);
      if (this.#resolvers.has(fingerprint)) continue;
      try {
        this.#resolvers.set(fingerprint, this.#reader.createResolver(writer));
      } catch (error) {
        throw new SchemaIncompatibleError(fingerprint, error);
      }
    }
  }

  /** Fingerprints of every writer schema `decode` accepts. */
  get knownFingerprints(): string[] {
    return [...this.#resolvers.keys()];
  }

  encode(event: LogEvent): Buffer {
    try {
      return this.#writer.toBuffer(toAvroLogEvent(event));
    } catch (error) {
      throw new SchemaEncodeError(error);
    }
  }

  /**
   * Decodes a Kafka value written with the schema `fingerprint` names (the header value, as a
   * string or the raw header Buffer) into a LogEvent of the current schema.
   * @throws UnknownSchemaError for a missing or unknown fingerprint; SchemaDecodeError for bad bytes.
   */
  decode(value: Buffer, fingerprint: string | Buffer | undefined): LogEvent {
    const id = fingerprint === undefined ? '' : fingerprint.toString().toLowerCase();
    const resolver = this.#resolvers.get(id);
    if (resolver === undefined) throw new UnknownSchemaError(id, this.knownFingerprints, SCHEMA_FINGERPRINT_HEADER);
    try {
      // A null value (a tombstone) or a non-Buffer reaches here from untyped Kafka clients.
      if (!Buffer.isBuffer(value)) throw new TypeError(`the value is ${value === null ? 'null' : typeof value}, not bytes`);
      const record = this.#reader.fromBuffer(value, resolver ?? undefined) as AvroLogEvent;
      return fromAvroLogEvent(record);
    } catch (error) {
      throw new SchemaDecodeError(id, error);
    }
  }
}

/** A codec for the current schema, for producers and consumers that need nothing else. */
export const eventCodec = new EventCodec();
