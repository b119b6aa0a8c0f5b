// Kafka record → SinkRecord, or the reason it cannot be one. Pure: no I/O, no logging; the loop decides
// what happens to a record that does not decode (the dead-letter topic, never a crash or a silent skip).
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, UnknownSchemaError, type LogEvent } from '@logpipe/schemas';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { SinkRecord } from './contract.js';
import type { ErrorCode } from './errors.js';

export interface EventDecoder {
  decode(value: Buffer, fingerprint: string | Buffer | undefined): LogEvent;
}

export type Decoded =
  | { ok: true; record: SinkRecord }
  | { ok: false; reason: string; code: ErrorCode; headers: Record<string, Buffer | undefined> };

/** Consumed headers are Buffers, or arrays when a key repeats; a sink sees the first value of each. */
export function normalizeHeaders(headers: IHeaders | undefined): Record<string, Buffer | undefined> {
  const out: Record<string, Buffer | undefined> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    out[name] = first === undefined ? undefined : Buffer.isBuffer(first) ? first : Buffer.from(first);
  }
  return out;
}

export function decodeMessage(topic: string, partition: number, message: KafkaMessage, codec: EventDecoder = eventCodec): Decoded {
  const headers = normalizeHeaders(message.headers);
  if (message.value === null || message.value.length === 0) {
    return { ok: false, code: 'SINK_EMPTY_VALUE', reason: 'record has no value', headers };
  }
  try {
    const event = codec.decode(message.value, headers[SCHEMA_FINGERPRINT_HEADER]);
    return { ok: true, record: { event, topic, partition, offset: message.offset, raw: message.value, headers } };
  } catch (err) {
    const code: ErrorCode = err instanceof UnknownSchemaError ? 'SINK_UNKNOWN_SCHEMA' : 'SINK_UNDECODABLE';
    return { ok: false, code, reason: (err as Error).message || String(err), headers };
  }
}
