// The Kafka record of one event (design contract, section 2): key = resourceId, so one resource's
// events share a partition; value = the Avro encoding; a header with the schema fingerprint, so a
// consumer can refuse what it cannot read. Encoded on the request path, before batching, so a bad
// event fails its own request and the batcher knows each record's size.
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';

export interface OutgoingRecord {
  /** resourceId as UTF-8 bytes: kafkajs would otherwise convert the string twice (partitioner, encoder). */
  readonly key: Buffer;
  readonly value: Buffer;
  /** Estimated size on the wire, for batch and back-pressure limits. */
  readonly bytes: number;
}

// A v2 record's framing: length, attributes, timestamp and offset deltas, key and value lengths,
// header count and header lengths, all varints; 40 bytes is above their worst case for our sizes.
const RECORD_OVERHEAD_BYTES = 40;

/**
 * The headers every record carries: one shared, frozen object (kafkajs only reads it), with the value
 * as bytes so kafkajs does not encode the same string again for every record.
 */
export const RECORD_HEADERS: Readonly<Record<string, Buffer>> = Object.freeze({ [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint, 'utf8') });

const fingerprintHeaderBytes = Buffer.byteLength(SCHEMA_FINGERPRINT_HEADER) + Buffer.byteLength(eventCodec.fingerprint);

export function encodeRecord(event: LogEvent): OutgoingRecord {
  const value = eventCodec.encode(event);
  const key = Buffer.from(event.resourceId, 'utf8');
  return { key, value, bytes: key.length + value.length + fingerprintHeaderBytes + RECORD_OVERHEAD_BYTES };
}
