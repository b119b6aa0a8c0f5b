// POST /logs through inject(), with an in-memory sink: formats, normalisation, all-or-nothing 400s,
// limits, and the answers when Kafka fails, is slow, or the gateway is saturated.
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec } from '@logpipe/schemas';
import { MemorySink, event, ndjson, testApp } from '../helpers/app.js';

const json = { 'content-type': 'application/json' };
const nd = { 'content-type': 'application/x-ndjson' };

t.test('one object: 202 with a new id; the record is keyed, Avro-encoded and normalised', async (t) => {
  const { app, sink } = testApp();
  const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event({ level: 'WARNING', resourceId: 'svc-x', metadata: { parentResourceId: 'p1', n: 3 } }) });
  t.equal(res.statusCode, 202);
  const body = res.json();
  t.equal(body.accepted, 1);
  t.same(body.ids, ['0190a000-0000-7000-8000-000000000001']);
  const [record] = sink.records;
  t.equal(record?.key.toString(), 'svc-x', 'key = resourceId');
  t.match(sink.events[0], {
    id: body.ids[0],
    level: 'warn',
    resourceId: 'svc-x',
    timestamp: '2024-05-01T09:59:59.500Z',
    receivedAt: '2024-05-01T12:00:00.123Z',
    metadata: { parentResourceId: 'p1', n: 3 },
  });
  t.ok(SCHEMA_FINGERPRINT_HEADER.length > 0 && eventCodec.fingerprint.length > 0);
});

t.test('a JSON array: ids in request order, a client id kept', async (t) => {
  const { app, sink } = testApp();
  const own = '3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f';
  const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: [event({ message: 'a' }), event({ id: own, message: 'b' }), event({ message: 'c' })] });
  t.equal(res.statusCode, 202);
  t.same(res.json(), { accepted: 3, ids: ['0190a000-0000-7000-8000-000000000001', own, '0190a000-0000-7000-8000-000000000002'] });
  t.same(sink.events.map((e) => e.message), ['a', 'b', 'c']);
});

t.test('NDJSON: blank lines ignored', async (t) => {
  const { app, sink } = testApp();
  const res = await app.inject({ method: 'POST', url: '/logs', headers: nd, payload: `\n${ndjson([event(), event()])}\n\n` });
  t.equal(res.statusCode, 202);
  t.equal(res.json().accepted, 2);
  t.equal(sink.records.length, 2);
});

t.test('the same client id twice is acknowledged both times', async (t) => {
  const { app } = testApp();
  const id = '0190b6d2-1111-7222-8333-444455556666';
  for (let i = 0; i < 2; i++) {
    const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event({ id }) });
    t.same(res.json(), { accepted: 1, ids: [id] });
  }
});

t.test('all or nothing: every bad item listed, nothing sent', async (t) => {
  const { app, sink } = testApp();
  const res = await app.inject({
    method: 'POST',
    url: '/logs',
    headers: json,
    payload: [event(), event({ level: 'loud' }), event(), event({ timestamp: 'yesterday', extra: 1 }), 'not an object'],
  });
  t.equal(res.statusCode, 400);
  const { error } = res.json();
  t.equal(error.code, 'GW_INVALID_EVENTS');
  t.match(error.message, /3 of 5 events are invalid/);
  const where = error.items.map((i: { index: number; path: string }) => `${i.index}${i.path}`);
  t.ok(where.includes('1/level'), 'bad level');
  t.ok(where.includes('3/timestamp'), 'bad timestamp');
  t.ok(where.some((w: string) => w.startsWith('3') && w.includes('extra')), 'unknown field');
  t.ok(where.some((w: string) => w.startsWith('4')), 'non-object item');
  t.equal(sink.batches.length, 0, 'nothing produced');
});

t.test('NDJSON errors carry the line', async (t) => {
  const { app, sink } = testApp();
  const payload = `${JSON.stringify(event())}\n\n${JSON.stringify(event({ level: undefined }))}\n`;
  const res = await app.inject({ method: 'POST', url: '/logs', headers: nd, payload });
  t.equal(res.statusCode, 400);
  t.match(res.json().error.items, [{ index: 1, line: 3, path: '/level' }]);
  const broken = await app.inject({ method: 'POST', url: '/logs', headers: nd, payload: `${JSON.stringify(event())}\n{"level":\n` });
  t.equal(broken.statusCode, 400);
  t.match(broken.json().error, { code: 'GW_INVALID_NDJSON', message: /line 2/, items: [{ line: 2 }] });
  t.equal(sink.batches.length, 0);
});

t.test('stricter gateway limits apply on top of the schema', async (t) => {
  const { app } = testApp({ config: { maxMessageBytes: 10, maxMetadataKeys: 1, maxMetadataBytes: 20 } });
  const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event({ message: 'x'.repeat(11), metadata: { a: 'aaaaaaaaaa', b: 'b' } }) });
  t.equal(res.statusCode, 400);
  const paths = res.json().error.items.map((i: { path: string }) => i.path);
  t.same(paths, ['/message', '/metadata', '/metadata']);
});

t.test('request-level failures', async (t) => {
  const { app } = testApp({ config: { bodyLimitBytes: 2048, maxEventsPerRequest: 3 } });
  const cases: [string, InjectOptions, number, string, RegExp?][] = [
    ['no content type', { method: 'POST', url: '/logs', payload: '{}' }, 415, 'GW_UNSUPPORTED_MEDIA_TYPE'],
    ['text/plain', { method: 'POST', url: '/logs', headers: { 'content-type': 'text/plain' }, payload: 'x' }, 415, 'GW_UNSUPPORTED_MEDIA_TYPE', /application\/json.*application\/x-ndjson/],
    ['latin1 charset', { method: 'POST', url: '/logs', headers: { 'content-type': 'application/json; charset=latin1' }, payload: '{}' }, 415, 'GW_UNSUPPORTED_MEDIA_TYPE', /charset=latin1/],
    ['gzip', { method: 'POST', url: '/logs', headers: { ...json, 'content-encoding': 'gzip' }, payload: '{}' }, 415, 'GW_UNSUPPORTED_MEDIA_TYPE', /gzip/],
    ['empty body', { method: 'POST', url: '/logs', headers: json, payload: '' }, 400, 'GW_EMPTY_BODY'],
    ['empty array', { method: 'POST', url: '/logs', headers: json, payload: '[]' }, 400, 'GW_EMPTY_BATCH'],
    ['broken JSON', { method: 'POST', url: '/logs', headers: json, payload: '{"level": "info",' }, 400, 'GW_INVALID_JSON', /position/],
    ['a JSON string', { method: 'POST', url: '/logs', headers: json, payload: '"hello"' }, 400, 'GW_INVALID_BODY'],
    ['too many events', { method: 'POST', url: '/logs', headers: json, payload: [event(), event(), event(), event()] }, 413, 'GW_TOO_MANY_EVENTS', /4 events; at most 3/],
    ['over the body limit', { method: 'POST', url: '/logs', headers: json, payload: [event({ message: 'x'.repeat(3000) })] }, 413, 'GW_BODY_TOO_LARGE', /2048 bytes/],
    ['invalid UTF-8', { method: 'POST', url: '/logs', headers: json, payload: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) }, 400, 'GW_INVALID_UTF8', /offset 2/],
    ['unknown route', { method: 'GET', url: '/nope?x=1' }, 404, 'GW_NOT_FOUND', /GET \/nope$/],
    ['wrong method', { method: 'GET', url: '/logs' }, 404, 'GW_NOT_FOUND'],
  ];
  for (const [name, request, status, code, message] of cases) {
    const res = await app.inject(request);
    t.equal(res.statusCode, status, `${name}: status`);
    t.equal(res.json().error?.code, code, `${name}: code`);
    if (message) t.match(res.json().error.message, message, `${name}: message`);
    t.match(res.headers['content-type'], /application\/json/, `${name}: JSON body`);
  }
});

t.test('a failed batch: 503 with Retry-After and the ids to retry with', async (t) => {
  const sink = new MemorySink();
  sink.behaviour = async () => {
    throw new Error('KafkaJSConnectionError: broker down');
  };
  const { app } = testApp({ sink, config: { retryAfterSeconds: 7 } });
  const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: [event(), event()] });
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '7');
  const { error } = res.json();
  t.equal(error.code, 'GW_BROKER_UNAVAILABLE');
  t.equal(error.ids.length, 2);
  t.notMatch(res.body, /KafkaJS/, 'internal cause not exposed');
});

t.test('Kafka too slow: 503 GW_PRODUCE_TIMEOUT within the produce timeout', async (t) => {
  const sink = new MemorySink();
  sink.behaviour = () => new Promise(() => {});
  const { app } = testApp({ sink, config: { produceTimeoutMs: 100 } });
  const started = performance.now();
  const res = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event() });
  t.equal(res.statusCode, 503);
  t.equal(res.json().error.code, 'GW_PRODUCE_TIMEOUT');
  t.ok(res.headers['retry-after']);
  t.ok(performance.now() - started < 1000, 'bounded');
});

t.test('saturated: 429 with Retry-After once in-flight bytes pass the limit', async (t) => {
  const sink = new MemorySink();
  let release: () => void = () => {};
  sink.behaviour = () => new Promise<void>((resolve) => (release = resolve));
  const { app } = testApp({ sink, config: { maxInFlightBytes: 600 } });
  const first = app.inject({ method: 'POST', url: '/logs', headers: json, payload: [event(), event()] });
  while (sink.batches.length === 0) await new Promise((r) => setTimeout(r, 5));
  const second = await app.inject({ method: 'POST', url: '/logs', headers: json, payload: [event(), event(), event()] });
  t.equal(second.statusCode, 429);
  t.equal(second.json().error.code, 'GW_OVERLOADED');
  t.ok(second.headers['retry-after']);
  release();
  t.equal((await first).statusCode, 202);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  t.match(metrics.body, /logpipe_gateway_requests_rejected_total\{code="GW_OVERLOADED"\} 1/);
});
