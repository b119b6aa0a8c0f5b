import { eventCodec, SCHEMA_FINGERPRINT_HEADER } from '@logpipe/schemas';
import type { KafkaMessage } from 'kafkajs';
import t from 'tap';
import { decodeMessage, normalizeHeaders } from '../src/decode.js';
import { makeEvent } from './helpers/events.js';

const message = (value: Buffer | null, headers: KafkaMessage['headers'] = {}): KafkaMessage =>
  ({ key: Buffer.from('k'), value, headers, offset: '42', timestamp: '0', attributes: 0 }) as KafkaMessage;

t.test('a record the codec reads becomes a SinkRecord with its bytes and headers', async (t) => {
  const event = makeEvent({ metadata: { a: 1 } });
  const value = eventCodec.encode(event);
  const decoded = decodeMessage('logs.v1', 3, message(value, { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) }));
  t.ok(decoded.ok);
  if (!decoded.ok) return;
  t.same(decoded.record.event, event);
  t.equal(decoded.record.offset, '42');
  t.equal(decoded.record.partition, 3);
  t.equal(decoded.record.raw, value);
});

t.test('what cannot be read says why, with a code', async (t) => {
  const fp = { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) };
  const cases = [
    [message(null, fp), 'SINK_EMPTY_VALUE'],
    [message(Buffer.from([0xff, 0xff, 0xff]), fp), 'SINK_UNDECODABLE'],
    [message(eventCodec.encode(makeEvent()), {}), 'SINK_UNKNOWN_SCHEMA'],
    [message(eventCodec.encode(makeEvent()), { [SCHEMA_FINGERPRINT_HEADER]: 'abc' }), 'SINK_UNKNOWN_SCHEMA'],
  ] as const;
  for (const [msg, code] of cases) {
    const decoded = decodeMessage('logs.v1', 0, msg);
    t.equal(decoded.ok, false);
    if (decoded.ok) continue;
    t.equal(decoded.code, code);
    t.ok(decoded.reason.length > 0);
  }
});

t.test('headers: first value of a repeated key, strings as Buffers', async (t) => {
  t.same(normalizeHeaders({ a: [Buffer.from('1'), Buffer.from('2')], b: 'x', c: undefined }), { a: Buffer.from('1'), b: Buffer.from('x'), c: undefined });
});
