import { createHash } from 'node:crypto';
import t from 'tap';
import { LOG_EVENT_AVRO_SCHEMA, fromAvroLogEvent, isoTimestamp, toAvroLogEvent } from '../src/avro.js';
import { avroFingerprint, createAvroType } from '../src/avro-type.js';
import { LEVELS, LogEvent } from '../src/event.js';

type AvroField = (typeof LOG_EVENT_AVRO_SCHEMA.fields)[number];
const avroFields = LOG_EVENT_AVRO_SCHEMA.fields;
const avroField = (name: string): AvroField => {
  const field = avroFields.find((f) => f.name === name);
  if (field === undefined) throw new Error(`no Avro field ${name}`);
  return field;
};
const isOptional = (field: AvroField): boolean =>
  Array.isArray(field.type) && field.type[0] === 'null' && field.default === null;
const typeboxProperty = (name: string): Record<string, unknown> =>
  (LogEvent.properties as unknown as Record<string, Record<string, unknown>>)[name] ?? {};

t.test('the Avro schema has exactly the fields of the TypeBox LogEvent, in order', async (t) => {
  t.strictSame(avroFields.map((f) => f.name), Object.keys(LogEvent.properties));
});

t.test('a field is optional in Avro (["null", T], default null) exactly when LogEvent makes it optional', async (t) => {
  const required = new Set<string>(LogEvent.required);
  for (const field of avroFields) t.equal(isOptional(field), !required.has(field.name), field.name);
});

t.test('level symbols are LEVELS, in order (an enum index is what travels)', async (t) => {
  const level = avroField('level').type as { type: string; symbols: string[] };
  t.equal(level.type, 'enum');
  t.strictSame(level.symbols, [...LEVELS]);
  t.strictSame(typeboxProperty('level').enum, level.symbols, 'same as the TypeBox level enum');
});

t.test('date-time fields are timestamp-millis longs; metadata values cover the TypeBox value types', async (t) => {
  for (const [name, property] of Object.entries(LogEvent.properties as unknown as Record<string, Record<string, unknown>>)) {
    const avroType = avroField(name).type as { type?: string; logicalType?: string };
    const isTime = avroType.type === 'long' && avroType.logicalType === 'timestamp-millis';
    t.equal(isTime, property.format === 'date-time', `${name}: timestamp-millis iff date-time`);
  }
  const map = (avroField('metadata').type as [string, { type: string; values: string[] }])[1];
  t.equal(map.type, 'map');
  const pattern = Object.values(typeboxProperty('metadata').patternProperties as Record<string, { anyOf: Array<{ type: string }> }>)[0];
  const avroFor: Record<string, string> = { string: 'string', number: 'double', boolean: 'boolean' };
  t.strictSame(pattern?.anyOf.map((branch) => avroFor[branch.type]), map.values);
});

t.test('the fingerprint is the SHA-256 of this Parsing Canonical Form (changing it is a wire change)', async (t) => {
  const canonical =
    '{"name":"dev.logpipe.v1.LogEvent","type":"record","fields":[' +
    '{"name":"id","type":"string"},' +
    '{"name":"level","type":{"name":"dev.logpipe.v1.Level","type":"enum","symbols":["trace","debug","info","warn","error","fatal"]}},' +
    '{"name":"message","type":"string"},{"name":"resourceId","type":"string"},' +
    '{"name":"timestamp","type":"long"},{"name":"receivedAt","type":"long"},' +
    '{"name":"traceId","type":["null","string"]},{"name":"spanId","type":["null","string"]},{"name":"commit","type":["null","string"]},' +
    '{"name":"metadata","type":["null",{"type":"map","values":["string","double","boolean"]}]}]}';
  const type = createAvroType(LOG_EVENT_AVRO_SCHEMA);
  t.equal(JSON.stringify(type.schema()), canonical);
  t.equal(avroFingerprint(type), createHash('sha256').update(canonical).digest('hex'));
});

t.test('the shared schema object cannot be changed at run time', async (t) => {
  t.throws(() => {
    (LOG_EVENT_AVRO_SCHEMA.fields as unknown[]).push({ name: 'x', type: 'string' });
  });
  t.throws(() => {
    (avroField('level').type as { symbols: string[] }).symbols[0] = 'verbose';
  });
});

const EVENT = {
  id: '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d',
  level: 'warn',
  message: 'm',
  resourceId: 'r',
  timestamp: '2024-01-01T09:00:00.123Z',
  receivedAt: '2024-01-01T09:00:01.000Z',
} as const;

t.test('record mapping: times become epoch millis, absent optionals null, and back', async (t) => {
  const record = toAvroLogEvent(EVENT);
  t.equal(record.timestamp, Date.UTC(2024, 0, 1, 9, 0, 0, 123));
  t.equal(record.traceId, null);
  t.equal(record.metadata, null);
  t.strictSame(fromAvroLogEvent(record), EVENT);
});

t.test('only normalised UTC timestamps are encoded, so decoding gives back the same string', async (t) => {
  for (const timestamp of ['2024-01-01T09:00:00Z', '2024-01-01T10:00:00.000+01:00', '2024-01-01T09:00:00.000', '2024-01-01']) {
    t.throws(() => toAvroLogEvent({ ...EVENT, timestamp }), /timestamp must be a normalised UTC timestamp/, timestamp);
  }
});

t.test('isoTimestamp is Date#toISOString, for every millisecond Avro can carry', async (t) => {
  let state = 11;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const YEAR_10000 = Date.UTC(10000, 0, 1);
  const edges = [0, 1, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), YEAR_10000 - 1, YEAR_10000, -1, -86_400_001, Date.UTC(-1, 0, 1), 8.64e15, -8.64e15];
  const samples = [
    ...edges,
    // Random days out of order (the day of the previous call is cached), then a run within a few days.
    ...Array.from({ length: 20_000 }, () => Math.floor((random() * 2 - 0.5) * YEAR_10000)),
    ...Array.from({ length: 20_000 }, (_, i) => Date.UTC(2026, 10, 1) + i * 17_777),
  ];
  const wrong = samples.filter((ms) => isoTimestamp(ms) !== new Date(ms).toISOString());
  t.same(wrong.slice(0, 5).map((ms) => [ms, isoTimestamp(ms)]), [], `${wrong.length} of ${samples.length} times differ`);
  t.throws(() => isoTimestamp(8.64e15 + 1), RangeError, 'a time Date cannot hold throws as toISOString does');
  t.throws(() => isoTimestamp(Number.NaN), RangeError);
  t.equal(isoTimestamp(1.5), new Date(1.5).toISOString(), 'a fraction is truncated as Date does');
});
