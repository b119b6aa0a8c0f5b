import avro from 'avsc';
import t from 'tap';
import { Compile } from 'typebox/compile';
import { LOG_EVENT_AVRO_SCHEMA, toAvroLogEvent, type AvroRecordSchema } from '../src/avro.js';
import { avroFingerprint, createAvroType } from '../src/avro-type.js';
import { EventCodec, SCHEMA_FINGERPRINT_HEADER, eventCodec } from '../src/codec.js';
import { LEVELS, LogEvent } from '../src/event.js';
import { SchemaDecodeError, SchemaEncodeError, SchemaIncompatibleError, UnknownSchemaError } from '../src/errors.js';

const isLogEvent = Compile(LogEvent);

const MINIMAL: LogEvent = {
  id: '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d',
  level: 'info',
  message: 'disk almost full',
  resourceId: 'host-1',
  timestamp: '2024-01-01T09:00:00.123Z',
  receivedAt: '2024-01-01T09:00:00.456Z',
};

const FULL: LogEvent = {
  ...MINIMAL,
  level: 'fatal',
  message: 'Zürich ✓ 日本語 😀👩‍👩‍👧 \t\n "quoted" \\ end',
  resourceId: 'ресурс/😀',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  commit: 'a1b2c3d',
  metadata: {
    user: 'ana 😀',
    empty: '',
    attempt: 3,
    ratio: 0.1 + 0.2,
    delta: -42,
    offset: -0.5,
    big: Number.MAX_SAFE_INTEGER,
    tiny: 5e-324,
    zero: 0,
    cached: true,
    stale: false,
    parentResourceId: 'cluster-1',
  },
};

function roundTrip(event: LogEvent, codec = eventCodec): LogEvent {
  return codec.decode(codec.encode(event), codec.fingerprint);
}

t.test('round-trips every field type exactly, as a plain LogEvent', async (t) => {
  for (const [name, event] of Object.entries({ MINIMAL, FULL })) {
    const decoded = roundTrip(event);
    t.strictSame(decoded, event, name);
    t.equal(Object.getPrototypeOf(decoded), Object.prototype, `${name}: a plain object, not an avsc record`);
    t.ok(isLogEvent.Check(decoded), `${name}: a valid LogEvent`);
  }
});

t.test('absent optional fields stay absent after decoding (no nulls leak out)', async (t) => {
  const decoded = roundTrip(MINIMAL);
  for (const field of ['traceId', 'spanId', 'commit', 'metadata']) t.notOk(Object.hasOwn(decoded, field), field);
});

t.test('each optional field present alone round-trips', async (t) => {
  for (const patch of [{ traceId: 't' }, { spanId: 's' }, { commit: 'c' }, { metadata: {} }, { metadata: { k: 'v' } }]) {
    const event = { ...MINIMAL, ...patch };
    t.strictSame(roundTrip(event), event, Object.keys(patch).join());
  }
});

t.test('every level round-trips', async (t) => {
  for (const level of LEVELS) t.equal(roundTrip({ ...MINIMAL, level }).level, level);
});

t.test('a 32 KiB message round-trips, in ASCII and in emoji', async (t) => {
  for (const message of ['a'.repeat(32 * 1024), '😀'.repeat(8 * 1024)]) {
    t.equal(roundTrip({ ...MINIMAL, message }).message, message);
  }
});

t.test('timestamps keep their milliseconds, including the edges of the range', async (t) => {
  for (const timestamp of ['2024-01-01T09:00:00.001Z', '2024-02-29T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
    t.equal(roundTrip({ ...MINIMAL, timestamp }).timestamp, timestamp);
  }
});

t.test('the fingerprint header is accepted as a string or as the raw header Buffer', async (t) => {
  const bytes = eventCodec.encode(MINIMAL);
  t.equal(SCHEMA_FINGERPRINT_HEADER, 'logpipe-schema');
  t.match(eventCodec.fingerprint, /^[0-9a-f]{64}$/);
  t.strictSame(eventCodec.decode(bytes, Buffer.from(eventCodec.fingerprint)), MINIMAL);
  t.strictSame(eventCodec.decode(bytes, eventCodec.fingerprint.toUpperCase()), MINIMAL);
});

t.test('an unknown fingerprint is refused with UnknownSchemaError saying how to fix it', async (t) => {
  const unknown = 'ab'.repeat(32);
  const error = t.throws(() => eventCodec.decode(eventCodec.encode(MINIMAL), unknown));
  t.ok(error instanceof UnknownSchemaError);
  t.match(error, { code: 'SCHEMA_UNKNOWN_FINGERPRINT', fingerprint: unknown });
  t.match((error as Error).message, unknown);
  t.match((error as Error).message, /upgrade this consumer/);
});

t.test('a missing fingerprint header is refused with UnknownSchemaError', async (t) => {
  for (const missing of [undefined, '', Buffer.alloc(0)]) {
    const error = t.throws(() => eventCodec.decode(eventCodec.encode(MINIMAL), missing));
    t.match(error, { code: 'SCHEMA_UNKNOWN_FINGERPRINT', fingerprint: '', message: /no "logpipe-schema" header/ });
  }
});

t.test('corrupt bytes fail with SCHEMA_DECODE_FAILED, never a wrong event', async (t) => {
  const good = eventCodec.encode(FULL);
  const levelOffset = 1 + MINIMAL.id.length; // after the id string (1-byte length prefix)
  const badEnum = Buffer.from(good);
  badEnum[levelOffset] = 0x7e; // enum index 63
  const cases: Record<string, unknown> = {
    empty: Buffer.alloc(0),
    truncated: good.subarray(0, good.length - 3),
    'trailing bytes': Buffer.concat([good, Buffer.from([0x00])]),
    'level index out of range': badEnum,
    'garbage': Buffer.from('this is not avro at all, just text'),
    'null value (tombstone)': null,
  };
  for (const [name, bytes] of Object.entries(cases)) {
    const error = t.throws(() => eventCodec.decode(bytes as Buffer, eventCodec.fingerprint), name);
    t.ok(error instanceof SchemaDecodeError, `${name}: SchemaDecodeError`);
    t.match(error, { code: 'SCHEMA_DECODE_FAILED', fingerprint: eventCodec.fingerprint }, name);
  }
});

t.test('encode refuses what is not a normalised LogEvent', async (t) => {
  const cases: Record<string, unknown> = {
    'unknown level': { ...MINIMAL, level: 'verbose' },
    'local timestamp': { ...MINIMAL, timestamp: '2024-01-01T09:00:00' },
    'nested metadata': { ...MINIMAL, metadata: { a: { b: 1 } } },
    'missing message': { ...MINIMAL, message: undefined },
  };
  for (const [name, event] of Object.entries(cases)) {
    const error = t.throws(() => eventCodec.encode(event as LogEvent), name);
    t.ok(error instanceof SchemaEncodeError, `${name}: SchemaEncodeError`);
    t.match(error, { code: 'SCHEMA_ENCODE_FAILED' }, name);
  }
});

// v2: the current schema plus one optional field, the only kind of change the schema allows.
const V2: AvroRecordSchema = {
  ...structuredClone(LOG_EVENT_AVRO_SCHEMA),
  fields: [...structuredClone(LOG_EVENT_AVRO_SCHEMA.fields), { name: 'host', type: ['null', 'string'], default: null }],
};

t.test('evolution: events written with v2 (an added optional field) are read by the current reader', async (t) => {
  const v2 = createAvroType(V2);
  const v2Fingerprint = avroFingerprint(v2);
  const bytes = v2.toBuffer({ ...toAvroLogEvent(FULL), host: 'web-1' });
  const codec = new EventCodec({ knownSchemas: [V2] });
  t.strictSame(codec.decode(bytes, v2Fingerprint), FULL, 'the extra field is ignored');
  t.ok(codec.knownFingerprints.includes(v2Fingerprint) && codec.knownFingerprints.includes(eventCodec.fingerprint));
  t.throws(() => eventCodec.decode(bytes, v2Fingerprint), UnknownSchemaError, 'a consumer that does not know v2 refuses it');
});

t.test('evolution: a producer writing v2 is read back by a codec that knows v2', async (t) => {
  const producer = new EventCodec({ writerSchema: V2 });
  t.not(producer.fingerprint, eventCodec.fingerprint);
  t.strictSame(producer.decode(producer.encode(FULL), producer.fingerprint), FULL);
});

t.test('evolution: events written with the current schema are read by a v2 reader', async (t) => {
  const v2 = createAvroType(V2);
  const resolver = v2.createResolver(createAvroType(LOG_EVENT_AVRO_SCHEMA));
  const decoded = v2.fromBuffer(eventCodec.encode(FULL), resolver) as Record<string, unknown>;
  t.equal(decoded.host, null, 'the added field takes its default');
  t.strictSame({ ...decoded, host: undefined }, { ...toAvroLogEvent(FULL), host: undefined });
});

t.test('a writer schema the current reader cannot resolve is refused at construction', async (t) => {
  const withNewLevel = structuredClone(LOG_EVENT_AVRO_SCHEMA) as AvroRecordSchema;
  (withNewLevel.fields[1]!.type as { symbols: string[] }).symbols.push('notice');
  const withoutMessage: AvroRecordSchema = { ...structuredClone(LOG_EVENT_AVRO_SCHEMA), fields: structuredClone(LOG_EVENT_AVRO_SCHEMA.fields).filter((f) => f.name !== 'message') };
  for (const [name, schema] of Object.entries({ withNewLevel, withoutMessage })) {
    const error = t.throws(() => new EventCodec({ knownSchemas: [schema] }), name);
    t.ok(error instanceof SchemaIncompatibleError, `${name}: SchemaIncompatibleError`);
    t.match(error, { code: 'SCHEMA_INCOMPATIBLE', fingerprint: /^[0-9a-f]{64}$/ }, name);
  }
});

t.test('decoding parses no schema and builds no resolver per message', async (t) => {
  const codec = new EventCodec({ knownSchemas: [V2] });
  const v2 = createAvroType(V2);
  const v2Bytes = v2.toBuffer({ ...toAvroLogEvent(FULL), host: null });
  const v2Fingerprint = avroFingerprint(v2);
  const current = codec.encode(FULL);
  const prototype = avro.Type.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const forSchema = avro.Type.forSchema;
  const createResolver = prototype.createResolver!;
  let calls = 0;
  prototype.createResolver = function (this: unknown, ...args: unknown[]) {
    calls++;
    return createResolver.apply(this, args);
  };
  avro.Type.forSchema = ((...args: Parameters<typeof forSchema>) => {
    calls++;
    return forSchema(...args);
  }) as typeof forSchema;
  t.teardown(() => {
    prototype.createResolver = createResolver;
    avro.Type.forSchema = forSchema;
  });
  for (let i = 0; i < 100; i++) {
    codec.decode(current, codec.fingerprint);
    codec.decode(v2Bytes, v2Fingerprint);
  }
  t.equal(calls, 0);
});
