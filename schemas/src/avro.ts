// The Kafka value of topic logs.v1: LogEvent as Avro (design contract, section 2).
// A test holds this schema to the TypeBox LogEvent (field names, optionality, level symbols).
//
// Wire decisions:
// - timestamp and receivedAt are `long` with logicalType `timestamp-millis`, not strings:
//   normalizeEvent already truncates to milliseconds, so the conversion is lossless; a long
//   is 6-7 bytes instead of 25, and it is the type Kafka Connect, ksqlDB and Spark read as a
//   time without parsing. The cost is one Date.parse per encode and one toISOString per decode.
// - level is an enum: one byte on the wire, and a writer cannot smuggle in an unknown level.
//   Symbols may only ever be appended (an enum index is what travels).
// - Optional fields are ["null", T] with default null, so both a newer reader (default) and
//   an older reader (skips the field) resolve them; that is the only kind of field to add.
// - metadata values are ["string","double","boolean"]: a double holds every JS number exactly,
//   so integers and floats come back as the same JS number (an int/long branch would not).
import type { schema } from 'avsc';
import { LEVELS, type Level, type LogEvent } from './event.js';

export type AvroRecordSchema = schema.RecordType;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// Frozen: mutating the shared schema at run time would change what the fingerprint describes.
export const LOG_EVENT_AVRO_SCHEMA: AvroRecordSchema = deepFreeze({
  type: 'record',
  name: 'LogEvent',
  namespace: 'dev.logpipe.v1',
  doc: 'One log event, normalised by the ingest gateway (see the LogEvent TypeBox schema).',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'level', type: { type: 'enum', name: 'Level', symbols: [...LEVELS] } },
    { name: 'message', type: 'string' },
    { name: 'resourceId', type: 'string' },
    { name: 'timestamp', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'receivedAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'traceId', type: ['null', 'string'], default: null },
    { name: 'spanId', type: ['null', 'string'], default: null },
    { name: 'commit', type: ['null', 'string'], default: null },
    {
      name: 'metadata',
      type: ['null', { type: 'map', values: ['string', 'double', 'boolean'] }],
      default: null,
    },
  ],
});

/** LogEvent as avsc reads and writes it under LOG_EVENT_AVRO_SCHEMA. */
export interface AvroLogEvent {
  id: string;
  level: Level;
  message: string;
  resourceId: string;
  timestamp: number;
  receivedAt: number;
  traceId: string | null;
  spanId: string | null;
  commit: string | null;
  metadata: Record<string, string | number | boolean> | null;
}

// Only the exact form normalizeEvent produces is encoded: Date.parse would also accept local
// times and other shapes, and the decoded event must equal the encoded one.
const NORMALISED_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function toMillis(field: string, iso: string): number {
  if (typeof iso !== 'string' || !NORMALISED_TIMESTAMP.test(iso)) {
    throw new TypeError(`${field} must be a normalised UTC timestamp like 2024-01-01T09:00:00.123Z; got ${JSON.stringify(iso)}`);
  }
  return Date.parse(iso);
}

export function toAvroLogEvent(event: LogEvent): AvroLogEvent {
  return {
    id: event.id,
    level: event.level,
    message: event.message,
    resourceId: event.resourceId,
    timestamp: toMillis('timestamp', event.timestamp),
    receivedAt: toMillis('receivedAt', event.receivedAt),
    traceId: event.traceId ?? null,
    spanId: event.spanId ?? null,
    commit: event.commit ?? null,
    metadata: event.metadata ?? null,
  };
}

const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00.000Z: below it, toISOString has the 4-digit year form. */
const YEAR_10000_MS = 253_402_300_800_000;
// The ASCII digits of 00..99, two bytes each.
const DIGIT_PAIRS = Buffer.from(Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0')).join(''), 'latin1');
// `YYYY-MM-DDThh:mm:ss.sssZ`, the date part of the day last formatted (a batch's events are nearly all of
// one day). Written in place and read out as one flat string: a string concatenated from pieces would be a
// tree of cons strings, several times the memory of a batch that lives until it is stored, and flattened
// again by every regex and JSON.stringify that reads it.
const isoScratch = Buffer.from('0000-00-00T00:00:00.000Z', 'latin1');
let scratchDay = -1;

function putTwoDigits(at: number, n: number): void {
  isoScratch[at] = DIGIT_PAIRS[2 * n]!;
  isoScratch[at + 1] = DIGIT_PAIRS[2 * n + 1]!;
}

/**
 * new Date(ms).toISOString(), at a third of its CPU (a sink decodes two times per event): the date part is
 * Date's, once per day; the time of day is plain arithmetic. Anything but a whole millisecond from 1970 to
 * the year 9999 goes to Date itself, so the output (and the RangeError of an invalid time) is Date's.
 */
export function isoTimestamp(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS && Number.isInteger(ms))) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  if (day !== scratchDay) {
    isoScratch.write(new Date(day * DAY_MS).toISOString().slice(0, 10), 0, 'latin1');
    scratchDay = day;
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  rest -= seconds * 1000;
  const hundreds = Math.floor(rest / 100);
  putTwoDigits(11, hours);
  putTwoDigits(14, minutes);
  putTwoDigits(17, seconds);
  isoScratch[20] = 0x30 + hundreds;
  putTwoDigits(21, rest - hundreds * 100);
  return isoScratch.toString('latin1', 0, 24);
}

/** Back to a plain LogEvent: absent optionals are left out (not null), times are ISO strings. */
export function fromAvroLogEvent(record: AvroLogEvent): LogEvent {
  const event: LogEvent = {
    id: record.id,
    level: record.level,
    message: record.message,
    resourceId: record.resourceId,
    timestamp: isoTimestamp(record.timestamp),
    receivedAt: isoTimestamp(record.receivedAt),
  };
  if (record.traceId !== null) event.traceId = record.traceId;
  if (record.spanId !== null) event.spanId = record.spanId;
  if (record.commit !== null) event.commit = record.commit;
  if (record.metadata !== null) event.metadata = record.metadata;
  return event;
}
