import t from 'tap';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec, type LogEvent } from '@logpipe/schemas';
import { RECORD_HEADERS, encodeRecord } from '../src/record.js';

const event: LogEvent = { id: '0190a000-0000-7000-8000-000000000001', level: 'info', message: 'hello', resourceId: 'svc-é', timestamp: '2024-05-01T00:00:00.000Z', receivedAt: '2024-05-01T00:00:01.000Z', metadata: { parentResourceId: 'p' } };

t.test('a record: key = resourceId, Avro value, size with framing', async (t) => {
  const record = encodeRecord(event);
  t.equal(record.key.toString('utf8'), 'svc-é');
  t.same(eventCodec.decode(record.value, eventCodec.fingerprint), event);
  t.ok(record.bytes > record.value.length + Buffer.byteLength('svc-é') + eventCodec.fingerprint.length, 'bytes count key, value, header and framing');
});

t.test('every record carries the writer schema fingerprint header', async (t) => {
  t.same(Object.keys(RECORD_HEADERS), [SCHEMA_FINGERPRINT_HEADER]);
  t.equal(RECORD_HEADERS[SCHEMA_FINGERPRINT_HEADER]?.toString(), eventCodec.fingerprint);
  t.ok(Object.isFrozen(RECORD_HEADERS), 'shared, so frozen');
});
