// Acceptance: bad inputs a user could send, each against a gateway producing to a real topic. Each
// gets its documented status and code, an error naming the field or line, and the topic's end
// offsets do not move; one valid request at the end proves the pipe was open all along.
import t from 'tap';
import { LIMITS } from '@logpipe/schemas';
import { endOffsets, requireKafka, startGateway, topicAdmin, uniqueTopic } from '../helpers/kafka.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const NDJSON_TYPE = { 'content-type': 'application/x-ndjson' };
const BODY_LIMIT = 64 * 1024;
const MAX_EVENTS = 50;

const good = (overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const e: Record<string, unknown> = { level: 'info', message: 'hello', resourceId: 'svc-a', timestamp: '2024-05-01T12:00:00Z', ...overrides };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
};

interface Case {
  name: string;
  headers: Record<string, string>;
  body: string | Buffer;
  status: number;
  code: string;
  /** What the error must name: a field path in items, a line, or words in the message. */
  names: { path?: string; line?: number; message?: RegExp };
}

const cases: Case[] = [
  { name: 'wrong content type', headers: { 'content-type': 'text/plain' }, body: 'hello', status: 415, code: 'GW_UNSUPPORTED_MEDIA_TYPE', names: { message: /application\/json or application\/x-ndjson/ } },
  { name: 'no content type', headers: {}, body: JSON.stringify(good()), status: 415, code: 'GW_UNSUPPORTED_MEDIA_TYPE', names: { message: /application\/json/ } },
  { name: 'UTF-16 charset', headers: { 'content-type': 'application/json; charset=utf-16' }, body: JSON.stringify(good()), status: 415, code: 'GW_UNSUPPORTED_MEDIA_TYPE', names: { message: /utf-16/ } },
  { name: 'compressed body', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, body: JSON.stringify(good()), status: 415, code: 'GW_UNSUPPORTED_MEDIA_TYPE', names: { message: /gzip/ } },
  { name: 'broken JSON', headers: JSON_TYPE, body: '{"level": "info", "message": "hi",, }', status: 400, code: 'GW_INVALID_JSON', names: { message: /line 1, column 35 \(position 34\)/ } },
  { name: 'broken NDJSON line 3', headers: NDJSON_TYPE, body: `${JSON.stringify(good())}\n${JSON.stringify(good())}\n{"level": "info"\n`, status: 400, code: 'GW_INVALID_NDJSON', names: { line: 3, message: /line 3/ } },
  { name: 'invalid UTF-8', headers: JSON_TYPE, body: Buffer.concat([Buffer.from('{"level":"info","message":"'), Buffer.from([0xe2, 0x28, 0xa1]), Buffer.from('"}')]), status: 400, code: 'GW_INVALID_UTF8', names: { message: /offset 27/ } },
  { name: 'NUL character', headers: JSON_TYPE, body: JSON.stringify(good({ message: 'a\u0000b' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/message', message: /1 of 1 event is invalid/ } },
  { name: '__proto__ key', headers: JSON_TYPE, body: '{"level":"info","message":"m","resourceId":"r","timestamp":"2024-05-01T12:00:00Z","__proto__":{"admin":true}}', status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/__proto__' } },
  { name: '__proto__ in metadata', headers: JSON_TYPE, body: '{"level":"info","message":"m","resourceId":"r","timestamp":"2024-05-01T12:00:00Z","metadata":{"__proto__":"x"}}', status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/metadata/__proto__' } },
  { name: 'unknown field', headers: JSON_TYPE, body: JSON.stringify(good({ severity: 'high' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/severity' } },
  { name: 'missing level', headers: JSON_TYPE, body: JSON.stringify(good({ level: undefined })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/level' } },
  { name: 'bad level', headers: JSON_TYPE, body: JSON.stringify(good({ level: 'loud' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/level' } },
  { name: 'bad timestamp', headers: JSON_TYPE, body: JSON.stringify(good({ timestamp: '2024-02-30T12:00:00Z' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/timestamp' } },
  { name: 'timestamp without offset', headers: JSON_TYPE, body: JSON.stringify(good({ timestamp: '2024-05-01T12:00:00' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/timestamp' } },
  { name: 'message too long', headers: JSON_TYPE, body: JSON.stringify(good({ message: 'é'.repeat(LIMITS.messageMaxBytes / 2 + 1) })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/message' } },
  { name: 'empty message', headers: JSON_TYPE, body: JSON.stringify(good({ message: '' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/message' } },
  { name: 'message not a string', headers: JSON_TYPE, body: JSON.stringify(good({ message: 42 })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/message' } },
  { name: 'resourceId too long', headers: JSON_TYPE, body: JSON.stringify(good({ resourceId: 'r'.repeat(LIMITS.resourceIdMaxChars + 1) })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/resourceId' } },
  { name: 'too many metadata keys', headers: JSON_TYPE, body: JSON.stringify(good({ metadata: Object.fromEntries(Array.from({ length: LIMITS.metadataMaxKeys + 1 }, (_, i) => [`k${i}`, i])) })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/metadata' } },
  { name: 'metadata too big', headers: JSON_TYPE, body: JSON.stringify(good({ metadata: { a: 'x'.repeat(LIMITS.metadataMaxBytes) } })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/metadata' } },
  { name: 'nested metadata', headers: JSON_TYPE, body: JSON.stringify(good({ metadata: { deep: { er: 1 } } })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/metadata/deep' } },
  { name: 'bad client id', headers: JSON_TYPE, body: JSON.stringify(good({ id: 'not-a-uuid' })), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/id' } },
  { name: 'empty body', headers: JSON_TYPE, body: '', status: 400, code: 'GW_EMPTY_BODY', names: { message: /empty/ } },
  { name: 'empty array', headers: JSON_TYPE, body: '[]', status: 400, code: 'GW_EMPTY_BATCH', names: { message: /empty array/ } },
  { name: 'JSON scalar body', headers: JSON_TYPE, body: '"just a string"', status: 400, code: 'GW_INVALID_BODY', names: { message: /JSON string/ } },
  { name: 'too many events', headers: JSON_TYPE, body: JSON.stringify(Array.from({ length: MAX_EVENTS + 1 }, () => good())), status: 413, code: 'GW_TOO_MANY_EVENTS', names: { message: new RegExp(`${MAX_EVENTS + 1} events; at most ${MAX_EVENTS}`) } },
  { name: 'body over limit', headers: JSON_TYPE, body: JSON.stringify(Array.from({ length: 40 }, () => good({ message: 'x'.repeat(2000) }))), status: 413, code: 'GW_BODY_TOO_LARGE', names: { message: new RegExp(`${BODY_LIMIT} bytes`) } },
  { name: 'non-object array item', headers: JSON_TYPE, body: JSON.stringify([good(), 'oops', good()]), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '' } },
  { name: 'one bad event among good ones', headers: JSON_TYPE, body: JSON.stringify([good(), good(), good({ resourceId: '' }), good()]), status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/resourceId', message: /1 of 4 events is invalid; nothing was accepted/ } },
  { name: 'NDJSON: bad event on line 2', headers: NDJSON_TYPE, body: `${JSON.stringify(good())}\n${JSON.stringify(good({ traceId: '' }))}\n`, status: 400, code: 'GW_INVALID_EVENTS', names: { path: '/traceId', line: 2 } },
];

t.test('bad inputs: documented status, named problem, nothing produced', async (t) => {
  if (!(await requireKafka(t))) return;
  const admin = await topicAdmin(t);
  const topic = uniqueTopic('bad-input');
  admin.track(topic);
  const gateway = await startGateway(t, { topic, bodyLimitBytes: BODY_LIMIT, maxEventsPerRequest: MAX_EVENTS });
  const before = await endOffsets(admin, topic);
  t.ok(cases.length >= 20, `${cases.length} distinct bad inputs`);

  for (const c of cases) {
    const res = await fetch(`${gateway.url}/logs`, { method: 'POST', headers: c.headers, body: c.body });
    const body = (await res.json()) as { error?: { code: string; message: string; items?: { index: number; path: string; line?: number; message: string }[] } };
    t.equal(res.status, c.status, `${c.name}: status ${c.status}`);
    t.equal(body.error?.code, c.code, `${c.name}: ${c.code}`);
    if (c.names.message) t.match(body.error?.message, c.names.message, `${c.name}: message names it`);
    if (c.names.path !== undefined) {
      t.ok(body.error?.items?.some((i) => i.path === c.names.path), `${c.name}: an item at path "${c.names.path}" (got ${JSON.stringify(body.error?.items)})`);
    }
    if (c.names.line !== undefined) t.ok(body.error?.items?.some((i) => i.line === c.names.line), `${c.name}: an item at line ${c.names.line}`);
    for (const item of body.error?.items ?? []) t.ok(item.message.length > 0, `${c.name}: item message`);
  }

  t.same(await endOffsets(admin, topic), before, 'end offsets did not move');
  const ok = await fetch(`${gateway.url}/logs`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(good()) });
  t.equal(ok.status, 202, 'a valid event still goes through');
  const after = await endOffsets(admin, topic);
  t.equal([...after.values()].reduce((a, b) => a + b, 0) - [...before.values()].reduce((a, b) => a + b, 0), 1, 'and moves the offsets by one');
});
