import t from 'tap';
import { LEVELS, type LogEvent } from '../src/event.js';
import { MAX_ISSUES_PER_EVENT } from '../src/issue-list.js';
import { normalizeEvent, type EventIssue, type NormalizeContext } from '../src/normalize.js';

const GENERATED_ID = '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d';
const NOW = '2024-05-01T12:00:00.000Z';

function context(): NormalizeContext & { ids: number } {
  const ctx = {
    ids: 0,
    now: () => new Date(NOW),
    newId: () => {
      ctx.ids++;
      return GENERATED_ID;
    },
  };
  return ctx;
}

const VALID = {
  level: 'info',
  message: 'disk almost full',
  resourceId: 'host-1',
  timestamp: '2024-01-01T09:00:00.123Z',
} as const;

function accept(input: unknown): LogEvent {
  const result = normalizeEvent(input, context());
  if (!result.ok) throw new Error(`expected the event to be accepted, got ${JSON.stringify(result.issues)}`);
  return result.event;
}

function reject(input: unknown): EventIssue[] {
  const result = normalizeEvent(input, context());
  if (result.ok) throw new Error(`expected the event to be rejected, got ${JSON.stringify(result.event)}`);
  return result.issues;
}

t.test('a minimal valid event gets an id, receivedAt and nothing else', async (t) => {
  const ctx = context();
  const result = normalizeEvent({ ...VALID }, ctx);
  t.strictSame(result, {
    ok: true,
    event: { id: GENERATED_ID, level: 'info', message: 'disk almost full', resourceId: 'host-1', timestamp: '2024-01-01T09:00:00.123Z', receivedAt: NOW },
  });
  t.equal(ctx.ids, 1, 'one generated id');
});

t.test('all optional fields are kept as sent', async (t) => {
  const event = accept({ ...VALID, traceId: 'trace-1', spanId: 'span-1', commit: 'abc123', metadata: { user: 'ana', attempt: 3, ratio: 0.25, delta: -7, cached: false } });
  t.equal(event.traceId, 'trace-1');
  t.equal(event.spanId, 'span-1');
  t.equal(event.commit, 'abc123');
  t.strictSame(event.metadata, { user: 'ana', attempt: 3, ratio: 0.25, delta: -7, cached: false });
});

t.test('absent optional fields stay absent (not null or undefined)', async (t) => {
  const event = accept({ ...VALID });
  for (const field of ['traceId', 'spanId', 'commit', 'metadata']) t.notOk(Object.hasOwn(event, field), `${field} absent`);
});

t.test('a client id is kept, lower-cased, and no id is generated', async (t) => {
  for (const id of ['0190A5C4-8F3E-7B2A-9C1D-2E3F4A5B6C7D', 'c9bf9e57-1685-4c89-bafb-ff5af830be8a', '6ba7b810-9dad-11d1-80b4-00c04fd430c8']) {
    const ctx = context();
    const result = normalizeEvent({ ...VALID, id }, ctx);
    t.ok(result.ok && result.event.id === id.toLowerCase(), `${id} kept lower-case`);
    t.equal(ctx.ids, 0, `no id generated for ${id}`);
  }
});

t.test('no id is generated for an invalid event', async (t) => {
  const ctx = context();
  normalizeEvent({ ...VALID, level: 'nope' }, ctx);
  t.equal(ctx.ids, 0);
});

t.test('levels: case-insensitive, aliases normalised', async (t) => {
  const cases: Array<[string, string]> = [
    ...LEVELS.map((l): [string, string] => [l, l]),
    ['INFO', 'info'],
    ['Debug', 'debug'],
    ['warning', 'warn'],
    ['WARNING', 'warn'],
    ['err', 'error'],
    ['Err', 'error'],
    ['critical', 'fatal'],
    ['CRITICAL', 'fatal'],
  ];
  for (const [sent, stored] of cases) t.equal(accept({ ...VALID, level: sent }).level, stored, `${sent} -> ${stored}`);
});

t.test('timestamps are normalised to UTC with milliseconds', async (t) => {
  const cases: Array<[string, string]> = [
    ['2024-01-01T10:00:00+05:30', '2024-01-01T04:30:00.000Z'],
    ['2024-01-01T01:00:00-08:00', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01T02:00:00+03:00', '2023-12-31T23:00:00.000Z'],
    ['2024-01-01T09:00:00.123456789Z', '2024-01-01T09:00:00.123Z'],
    ['2024-01-01T09:00:00.999999Z', '2024-01-01T09:00:00.999Z'],
    ['2024-01-01T09:00:00.1Z', '2024-01-01T09:00:00.100Z'],
    ['2024-01-01T09:00:00Z', '2024-01-01T09:00:00.000Z'],
    ['2024-01-01t09:00:00z', '2024-01-01T09:00:00.000Z'],
  ];
  for (const [sent, stored] of cases) t.equal(accept({ ...VALID, timestamp: sent }).timestamp, stored, `${sent} -> ${stored}`);
});

t.test('boundaries that are accepted', async (t) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['1-byte message', { message: 'x' }],
    ['32 KiB ASCII message', { message: 'a'.repeat(32 * 1024) }],
    ['32 KiB of 2-byte characters', { message: 'é'.repeat(16 * 1024) }],
    ['32 KiB of emoji', { message: '😀'.repeat(8 * 1024) }],
    ['256-char resourceId', { resourceId: 'r'.repeat(256) }],
    ['256 emoji resourceId (characters, not UTF-16 units)', { resourceId: '😀'.repeat(256) }],
    ['128-char traceId', { traceId: 't'.repeat(128) }],
    ['128-char spanId', { spanId: 's'.repeat(128) }],
    ['64-char commit', { commit: 'c'.repeat(64) }],
    ['64 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, i])) }],
    ['8 KiB of metadata JSON', { metadata: { k: 'v'.repeat(8192 - 8) } }],
    ['128-char metadata key', { metadata: { ['k'.repeat(128)]: 1 } }],
    ['key that merely contains "proto"', { metadata: { __proto: 1, prototypes: 2 } }],
    ['parentResourceId string', { metadata: { parentResourceId: 'cluster-1' } }],
  ];
  for (const [name, patch] of cases) t.doesNotThrow(() => accept({ ...VALID, ...patch }), name);
});

interface Rejection {
  name: string;
  input: unknown;
  path: string;
  message: string | RegExp;
}

const withField = (patch: Record<string, unknown>): Record<string, unknown> => ({ ...VALID, ...patch });
const without = (field: keyof typeof VALID): Record<string, unknown> => {
  const copy: Record<string, unknown> = { ...VALID };
  delete copy[field];
  return copy;
};

const REJECTIONS: Rejection[] = [
  // the event itself
  { name: 'array', input: [VALID], path: '', message: 'an event must be a JSON object; got an array' },
  { name: 'null', input: null, path: '', message: 'an event must be a JSON object; got null' },
  { name: 'string', input: 'info', path: '', message: 'an event must be a JSON object; got "info"' },
  { name: 'number', input: 42, path: '', message: 'an event must be a JSON object; got 42' },
  // required fields
  { name: 'no level', input: without('level'), path: '/level', message: 'level is required' },
  { name: 'no message', input: without('message'), path: '/message', message: 'message is required' },
  { name: 'no resourceId', input: without('resourceId'), path: '/resourceId', message: 'resourceId is required' },
  { name: 'no timestamp', input: without('timestamp'), path: '/timestamp', message: 'timestamp is required' },
  // unknown and reserved fields
  { name: 'unknown field', input: withField({ lvl: 'info' }), path: '/lvl', message: /^unknown field "lvl"; allowed fields are id, level,/ },
  { name: 'receivedAt is not the client’s', input: withField({ receivedAt: NOW }), path: '/receivedAt', message: /^unknown field "receivedAt"/ },
  { name: 'top-level __proto__', input: JSON.parse(`{"level":"info","message":"m","resourceId":"r","timestamp":"2024-01-01T00:00:00Z","__proto__":{"admin":true}}`), path: '/__proto__', message: 'field "__proto__" is a reserved name and is not allowed' },
  { name: 'top-level constructor', input: withField({ constructor: 1 }), path: '/constructor', message: 'field "constructor" is a reserved name and is not allowed' },
  { name: 'top-level prototype', input: withField({ prototype: 1 }), path: '/prototype', message: 'field "prototype" is a reserved name and is not allowed' },
  // level
  { name: 'unknown level', input: withField({ level: 'verbose' }), path: '/level', message: 'level must be one of trace, debug, info, warn, error, fatal (or warning, err, critical); got "verbose"' },
  { name: 'empty level', input: withField({ level: '' }), path: '/level', message: /^level must be one of .*; got ""$/ },
  { name: 'level naming an Object.prototype member', input: withField({ level: 'constructor' }), path: '/level', message: /^level must be one of/ },
  { name: 'level as a number', input: withField({ level: 3 }), path: '/level', message: 'level must be a string; got 3' },
  // message
  { name: 'empty message', input: withField({ message: '' }), path: '/message', message: 'message must not be empty' },
  { name: 'message over 32 KiB', input: withField({ message: 'a'.repeat(40000) }), path: '/message', message: 'message is 40000 bytes; the limit is 32768 bytes of UTF-8' },
  { name: 'message over 32 KiB in bytes, not chars', input: withField({ message: 'é'.repeat(16385) }), path: '/message', message: 'message is 32770 bytes; the limit is 32768 bytes of UTF-8' },
  { name: 'message of 8193 emoji', input: withField({ message: '😀'.repeat(8193) }), path: '/message', message: 'message is 32772 bytes; the limit is 32768 bytes of UTF-8' },
  { name: 'message as an object', input: withField({ message: { text: 'x' } }), path: '/message', message: 'message must be a string; got an object' },
  // lengths
  { name: 'empty resourceId', input: withField({ resourceId: '' }), path: '/resourceId', message: 'resourceId must not be empty' },
  { name: 'resourceId 257 chars', input: withField({ resourceId: 'r'.repeat(257) }), path: '/resourceId', message: 'resourceId is 257 characters; the limit is 256 characters' },
  { name: 'empty traceId', input: withField({ traceId: '' }), path: '/traceId', message: 'traceId must not be empty' },
  { name: 'traceId 129 chars', input: withField({ traceId: 't'.repeat(129) }), path: '/traceId', message: 'traceId is 129 characters; the limit is 128 characters' },
  { name: 'spanId 129 chars', input: withField({ spanId: 's'.repeat(129) }), path: '/spanId', message: 'spanId is 129 characters; the limit is 128 characters' },
  { name: 'empty commit', input: withField({ commit: '' }), path: '/commit', message: 'commit must not be empty' },
  { name: 'commit 65 chars', input: withField({ commit: 'c'.repeat(65) }), path: '/commit', message: 'commit is 65 characters; the limit is 64 characters' },
  { name: 'traceId as a number', input: withField({ traceId: 7 }), path: '/traceId', message: 'traceId must be a string; got 7' },
  // timestamp
  { name: 'space, no offset', input: withField({ timestamp: '2024-01-01 10:00:00' }), path: '/timestamp', message: /^timestamp has no UTC offset; .*got "2024-01-01 10:00:00"$/ },
  { name: 'no offset', input: withField({ timestamp: '2024-01-01T10:00:00' }), path: '/timestamp', message: /^timestamp has no UTC offset/ },
  { name: 'date only', input: withField({ timestamp: '2024-01-01' }), path: '/timestamp', message: /^timestamp has no time of day/ },
  { name: 'month 13', input: withField({ timestamp: '2024-13-01T00:00:00Z' }), path: '/timestamp', message: /^timestamp has month 13; months are 01 to 12/ },
  { name: 'February 30', input: withField({ timestamp: '2024-02-30T00:00:00Z' }), path: '/timestamp', message: /^timestamp has day 30, but February 2024 has 29 days/ },
  { name: 'February 29 of a common year', input: withField({ timestamp: '2023-02-29T00:00:00Z' }), path: '/timestamp', message: /February 2023 has 28 days/ },
  { name: 'year 0000', input: withField({ timestamp: '0000-06-01T00:00:00Z' }), path: '/timestamp', message: /^timestamp has year 0000; years are 0001 to 9999/ },
  { name: 'five-digit year', input: withField({ timestamp: '10000-01-01T00:00:00Z' }), path: '/timestamp', message: /^timestamp must be an RFC 3339 date-time/ },
  { name: 'past 9999 once in UTC', input: withField({ timestamp: '9999-12-31T23:00:00-05:00' }), path: '/timestamp', message: /outside 0001-01-01 to 9999-12-31 once converted to UTC/ },
  { name: 'hour 24', input: withField({ timestamp: '2024-01-01T24:00:00Z' }), path: '/timestamp', message: /^timestamp has hour 24/ },
  { name: 'offset +24:00', input: withField({ timestamp: '2024-01-01T10:00:00+24:00' }), path: '/timestamp', message: /^timestamp has offset \+24:00/ },
  { name: 'words', input: withField({ timestamp: 'yesterday' }), path: '/timestamp', message: 'timestamp must be an RFC 3339 date-time with an offset or Z, like 2024-01-01T09:00:00.123Z or 2024-01-01T10:00:00+01:00; got "yesterday"' },
  { name: 'epoch number', input: withField({ timestamp: 1704099600 }), path: '/timestamp', message: 'timestamp must be a string; got 1704099600' },
  // id
  { name: 'id not a UUID', input: withField({ id: 'order-42' }), path: '/id', message: /^id must be a UUID .*; got "order-42"$/ },
  { name: 'id without dashes', input: withField({ id: '0190a5c48f3e7b2a9c1d2e3f4a5b6c7d' }), path: '/id', message: /^id must be a UUID/ },
  { name: 'id with a non-hex digit', input: withField({ id: '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7g' }), path: '/id', message: /^id must be a UUID/ },
  { name: 'nil UUID', input: withField({ id: '00000000-0000-0000-0000-000000000000' }), path: '/id', message: /^id 00000000-0000-0000-0000-000000000000 is a placeholder UUID/ },
  { name: 'id as a number', input: withField({ id: 42 }), path: '/id', message: 'id must be a string; got 42' },
  // NUL characters
  ...(['level', 'message', 'resourceId', 'timestamp', 'traceId', 'spanId', 'commit'] as const).map((field) => ({
    name: `NUL in ${field}`,
    input: withField({ [field]: `${field === 'level' ? 'info' : 'x'}\u0000` }),
    path: `/${field}`,
    message: `${field} contains a NUL character (\\u0000), which is not allowed`,
  })),
  { name: 'NUL in id', input: withField({ id: `${GENERATED_ID}\u0000` }), path: '/id', message: 'id contains a NUL character (\\u0000), which is not allowed' },
  { name: 'NUL in a metadata value', input: withField({ metadata: { user: 'a\u0000b' } }), path: '/metadata/user', message: 'metadata.user contains a NUL character (\\u0000), which is not allowed' },
  { name: 'NUL in a metadata key', input: withField({ metadata: { 'us\u0000er': 'a' } }), path: '/metadata/us\u0000er', message: 'metadata key "us\\u0000er" contains a NUL character (\\u0000), which is not allowed' },
  // lone surrogates (a JSON \uD800 escape without its pair) have no UTF-8 form
  { name: 'lone high surrogate in message', input: withField({ message: 'a\uD800b' }), path: '/message', message: 'message contains an unpaired UTF-16 surrogate escape, which is not valid Unicode text' },
  { name: 'lone low surrogate in a metadata value', input: withField({ metadata: { user: '\uDC00' } }), path: '/metadata/user', message: 'metadata.user contains an unpaired UTF-16 surrogate escape, which is not valid Unicode text' },
  // metadata
  { name: 'metadata array', input: withField({ metadata: ['a'] }), path: '/metadata', message: 'metadata must be an object; got an array' },
  { name: 'metadata null', input: withField({ metadata: null }), path: '/metadata', message: 'metadata must be an object; got null' },
  { name: 'metadata string', input: withField({ metadata: 'user=ana' }), path: '/metadata', message: 'metadata must be an object; got "user=ana"' },
  { name: 'nested object', input: withField({ metadata: { user: { id: 1 } } }), path: '/metadata/user', message: /^metadata\.user must be a string, number or boolean; got an object \(metadata is flat/ },
  { name: 'array value', input: withField({ metadata: { tags: ['a'] } }), path: '/metadata/tags', message: /^metadata\.tags must be a string, number or boolean; got an array/ },
  { name: 'null value', input: withField({ metadata: { user: null } }), path: '/metadata/user', message: /^metadata\.user must be a string, number or boolean; got null/ },
  { name: 'NaN value', input: withField({ metadata: { ratio: NaN } }), path: '/metadata/ratio', message: 'metadata.ratio must be a finite number; got NaN' },
  { name: 'Infinity value', input: withField({ metadata: { ratio: Infinity } }), path: '/metadata/ratio', message: 'metadata.ratio must be a finite number; got Infinity' },
  { name: '65 keys', input: withField({ metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }), path: '/metadata', message: 'metadata has 65 keys; the limit is 64' },
  { name: 'over 8 KiB', input: withField({ metadata: { k: 'v'.repeat(8192 - 7) } }), path: '/metadata', message: 'metadata is 8193 bytes as JSON; the limit is 8192 bytes' },
  { name: 'empty key', input: withField({ metadata: { '': 1 } }), path: '/metadata/', message: 'metadata keys must not be empty' },
  { name: '129-char key', input: withField({ metadata: { ['k'.repeat(129)]: 1 } }), path: `/metadata/${'k'.repeat(129)}`, message: /^metadata key "k+"… is 129 characters; the limit is 128$/ },
  { name: 'key with / and ~ is escaped in the path', input: withField({ metadata: { 'a/b~c': {} } }), path: '/metadata/a~1b~0c', message: /^metadata\["a\/b~c"\] must be a string, number or boolean/ },
  { name: 'metadata __proto__', input: JSON.parse(`{"level":"info","message":"m","resourceId":"r","timestamp":"2024-01-01T00:00:00Z","metadata":{"__proto__":"x"}}`), path: '/metadata/__proto__', message: 'metadata key "__proto__" is a reserved name and is not allowed' },
  { name: 'metadata constructor', input: withField({ metadata: { constructor: 'x' } }), path: '/metadata/constructor', message: 'metadata key "constructor" is a reserved name and is not allowed' },
  { name: 'metadata prototype', input: withField({ metadata: { prototype: 'x' } }), path: '/metadata/prototype', message: 'metadata key "prototype" is a reserved name and is not allowed' },
  { name: 'parentResourceId as a number', input: withField({ metadata: { parentResourceId: 7 } }), path: '/metadata/parentResourceId', message: /^metadata\.parentResourceId is a filter like resourceId and must be a string of 1 to 256 characters; got 7$/ },
  { name: 'parentResourceId too long', input: withField({ metadata: { parentResourceId: 'p'.repeat(257) } }), path: '/metadata/parentResourceId', message: /^metadata\.parentResourceId is a filter like resourceId/ },
];

t.test('every rule rejects with the exact path and a message naming the field', async (t) => {
  for (const { name, input, path, message } of REJECTIONS) {
    const issues = reject(input);
    t.equal(issues.length, 1, `${name}: exactly one issue (${JSON.stringify(issues)})`);
    t.equal(issues[0]?.path, path, `${name}: path`);
    if (typeof message === 'string') t.equal(issues[0]?.message, message, `${name}: message`);
    else t.match(issues[0]?.message, message, `${name}: message`);
  }
});

t.test('every problem is reported at once, in field order', async (t) => {
  const issues = reject({
    lvl: 'x',
    level: 'verbose',
    message: 'a'.repeat(40000),
    timestamp: '2024-01-01 10:00:00',
    traceId: '',
    metadata: { nested: { a: 1 }, ok: 1, constructor: 2 },
  });
  t.strictSame(
    issues.map((i) => i.path),
    ['/level', '/message', '/resourceId', '/timestamp', '/traceId', '/metadata/nested', '/metadata/constructor', '/lvl'],
  );
});

t.test('several unknown fields are each named', async (t) => {
  const issues = reject(withField({ lvl: 1, msg: 2, host: 3, severity: 4, ts: 5, env: 6, app: 7, pid: 8, tid: 9, x: 10 }));
  t.strictSame(issues.map((i) => i.path), ['/lvl', '/msg', '/host', '/severity', '/ts', '/env', '/app', '/pid', '/tid', '/x']);
});

t.test('metadata with both too many keys and too many bytes reports both', async (t) => {
  const metadata = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, 'v'.repeat(200)]));
  const messages = reject(withField({ metadata })).map((i) => `${i.path} ${i.message}`);
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  t.strictSame(messages, ['/metadata metadata has 70 keys; the limit is 64', `/metadata metadata is ${bytes} bytes as JSON; the limit is 8192 bytes`]);
});

t.test('a hostile event gets a bounded list of issues', async (t) => {
  const metadata = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, { nested: i }]));
  const issues = reject(withField({ metadata }));
  t.equal(issues.length, MAX_ISSUES_PER_EVENT + 1);
  t.match(issues.at(-1), { path: '', message: /only the first 100 are listed/ });
});

t.test('a leap second is kept in order as 23:59:59.999 UTC', async (t) => {
  t.equal(accept(withField({ timestamp: '2016-12-31T23:59:60Z' })).timestamp, '2016-12-31T23:59:59.999Z');
  t.match(reject(withField({ timestamp: '2016-12-31T12:00:60Z' }))[0], { path: '/timestamp', message: /leap second at 23:59:60 UTC/ });
});

t.test('never throws, whatever it is given', async (t) => {
  const throwingGetter = Object.defineProperty({ ...VALID }, 'message', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  const hostileProxy = new Proxy({}, {
    ownKeys() {
      throw new Error('no keys for you');
    },
  });
  const inputs: unknown[] = [undefined, true, 1n, Symbol('x'), () => 1, new Date(), new Map(), Object.create(null), throwingGetter, hostileProxy, withField({ metadata: { big: 1n, sym: Symbol('s'), fn: () => 1, deep: { a: { b: { c: {} } } } } })];
  for (const input of inputs) {
    let result: ReturnType<typeof normalizeEvent> | undefined;
    t.doesNotThrow(() => {
      result = normalizeEvent(input, context());
    }, `${typeof input}`);
    t.equal(result?.ok, false, `${typeof input} rejected`);
  }
  t.match(reject(throwingGetter), [{ path: '', message: 'the event could not be read: boom' }]);
});

t.test('only own properties count: inherited fields are not fields', async (t) => {
  const issues = reject(Object.create({ ...VALID }));
  t.strictSame(issues.map((i) => i.path), ['/level', '/message', '/resourceId', '/timestamp']);
});

t.test('a null-prototype object (as some parsers produce) is a normal event', async (t) => {
  const input = Object.assign(Object.create(null), VALID, { metadata: Object.assign(Object.create(null), { a: 1 }) });
  t.strictSame(accept(input).metadata, { a: 1 });
});

t.test('the stored metadata is a copy: changing the input later does not change the event', async (t) => {
  const metadata: Record<string, unknown> = { a: 1 };
  const event = accept(withField({ metadata }));
  metadata.a = { nested: true };
  t.strictSame(event.metadata, { a: 1 });
});

t.test('events near the fast path edges are judged as by the detailed rules', async (t) => {
  // Surrogate pairs are fine anywhere; a lone one is still reported with its field.
  const emoji = accept({ ...VALID, message: 'deploy 🚀 done', metadata: { 'user.😀': 'ok 🎉', parentResourceId: 'p-🚀' } });
  t.equal(emoji.message, 'deploy 🚀 done');
  t.same(emoji.metadata, { 'user.😀': 'ok 🎉', parentResourceId: 'p-🚀' });
  const lone = normalizeEvent({ ...VALID, message: 'bad \uD800 text' }, context());
  t.same(lone.ok ? [] : lone.issues.map((i) => i.path), ['/message']);
  // Metadata whose JSON size bound passes the limit but whose exact size does not is accepted.
  const metadata: Record<string, string> = {};
  for (let i = 0; i < 10; i++) metadata[`k${i}`] = 'v'.repeat(200);
  t.same(accept({ ...VALID, metadata }).metadata, metadata);
  // The metadata in the event is a copy, not the client's object.
  const input = { ...VALID, metadata: { a: 1 } };
  const event = accept(input);
  t.not(event.metadata, input.metadata);
  // Aliases and case still normalise; key order of the event is unchanged.
  const full = accept({ ...VALID, level: 'WARNING', id: '0190A5C4-8F3E-7B2A-9C1D-2E3F4A5B6C7E', traceId: 't', spanId: 's', commit: 'c', metadata: { a: true } });
  t.equal(full.level, 'warn');
  t.equal(full.id, '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7e');
  t.same(Object.keys(full), ['id', 'level', 'message', 'resourceId', 'timestamp', 'receivedAt', 'traceId', 'spanId', 'commit', 'metadata']);
});
