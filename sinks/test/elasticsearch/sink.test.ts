// The Elasticsearch sink against the real node of the local stack: each test has its own index prefix,
// template and alias, and removes them at the end.
import { createServer } from 'node:net';
import { elasticsearchEventSort, elasticsearchSearchAfter, type LogEvent } from '@logpipe/schemas';
import t, { type Test } from 'tap';
import type { BuildSink } from '../../src/contract.js';
import { buildElasticsearchSink, type ElasticsearchSink } from '../../src/elasticsearch/index.js';
import { resolveElasticsearchSinkConfig, type ElasticsearchSinkOptions } from '../../src/elasticsearch/options.js';
import { indexTemplateBody } from '../../src/elasticsearch/template.js';
import { esUrl, idsIn, newClient, removePrefix, testPrefix } from './helpers/es.js';
import { batch, context, event } from './helpers/fixtures.js';

// The shape the consumer loop expects; the extra parameters are optional.
const build: BuildSink = buildElasticsearchSink;
void build;

const admin = newClient();
t.teardown(() => admin.close());

/** A sink on a fresh prefix; the prefix's indices and template go when the test ends. */
async function sinkFor(t: Test, options: Partial<ElasticsearchSinkOptions> = {}): Promise<{ sink: ElasticsearchSink; prefix: string }> {
  const prefix = testPrefix();
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, ...options });
  t.teardown(async () => {
    await sink.close();
    await removePrefix(admin, prefix);
  });
  return { sink, prefix };
}

t.test('every field round-trips: _source is the event', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  const full: LogEvent = event({
    level: 'error',
    message: 'Disk quota exceeded on /var/log — naïve café ✓ "quoted"\n\tsecond line',
    resourceId: 'db-7',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
    metadata: { parentResourceId: 'cluster-eu-1', region: 'eu-west-1', attempt: 3, ratio: 0.25, cached: false, 'http.status': '503' },
  });
  const minimal = event();
  const result = await sink.write(batch([full, minimal]));
  t.match(result, { stored: 2, rejected: [], retried: 0, duplicates: 0 });

  await admin.indices.refresh({ index: prefix });
  for (const ev of [full, minimal]) {
    const res = await admin.search<LogEvent>({ index: prefix, query: { term: { id: ev.id } } });
    t.equal(res.hits.hits.length, 1);
    t.equal(res.hits.hits[0]?._id, ev.id, '_id is the event id');
    t.equal(res.hits.hits[0]?._index, `${prefix}-2026.11.29`);
    t.same(res.hits.hits[0]?._source, ev, 'the stored source is the event, field for field');
  }
});

t.test('what queries can rely on: words, phrases, prefixes, regexps, keywords, parentResourceId', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  const a = event({ message: 'Connection RESET by peer while reading /api/orders', resourceId: 'orders', metadata: { parentResourceId: 'cluster-1', n: 7 } });
  const b = event({ message: 'connection pool exhausted', level: 'warn', resourceId: 'Checkout-Service' });
  const c = event({ message: 'reset the peer connection', resourceId: 'billing', metadata: { parentResourceId: 'cluster-2' } });
  await sink.write(batch([a, b, c]));
  await admin.indices.refresh({ index: prefix });
  const ids = async (query: object) => {
    const res = await admin.search({ index: prefix, query, sort: [{ id: 'asc' }] });
    return res.hits.hits.map((h) => h._id).sort();
  };
  const sorted = (...events: LogEvent[]) => events.map((e) => e.id).sort();

  await t.rejects(ids({ match: { message: 'reset' } }), /not indexed|failed to create query/, 'message itself is not indexed: words and message.raw are');
  t.same(await ids({ match: { words: { query: 'reset peer', operator: 'and' } } }), sorted(a, c), 'words: whole words, stored lower-cased');
  t.same(await ids({ term: { words: 'rese' } }), [], 'words are whole: no partial-word match');
  t.same(await ids({ match_phrase: { words: 'reset by peer' } }), sorted(a), 'phrase: words in order');
  t.same(await ids({ regexp: { 'message.raw': { value: '.*/api/[a-z]+.*' } } }), sorted(a), 'regexp over the whole message: wrap in .* for "anywhere"');
  t.same(await ids({ regexp: { 'message.raw': { value: 'connection.*', case_insensitive: true } } }), sorted(a, b), 'regexp, case-insensitive');
  t.same(await ids({ term: { words: 'reset' } }), sorted(a, c), 'words: the query language\'s words of the message, lower-cased');
  t.same(await ids({ match_phrase: { words: 'api orders' } }), sorted(a), 'words: a phrase across punctuation (/api/orders)');
  t.same(await ids({ prefix: { words: 'exhaust' } }), sorted(b), 'words: prefix of a word');
  t.same(await ids({ term: { level: 'warn' } }), sorted(b), 'keyword: exact');
  t.same(await ids({ term: { resourceId: { value: 'checkout-service', case_insensitive: true } } }), sorted(b), 'keyword: case_insensitive term');
  t.same(await ids({ prefix: { resourceId: 'Checkout' } }), sorted(b), 'keyword prefix');
  t.same(await ids({ term: { parentResourceId: 'cluster-1' } }), sorted(a), 'parentResourceId, top level (copied from metadata)');
  t.same(await ids({ term: { 'metadata.parentResourceId': 'cluster-2' } }), sorted(c), 'the same field under metadata');
  t.same(await ids({ range: { 'metadata.n': { gte: 5 } } }), sorted(a), 'metadata numbers are numbers');
  t.same(await ids({ range: { timestamp: { gte: '2026-11-29T10:00:00.123Z', lte: '2026-11-29T10:00:00.123Z' } } }), sorted(a, b, c), 'timestamp range, ms precision');
});

t.test('a daily index made with template 1 (no words, no idOrder fields) takes the fields at start and accepts events again', async (t) => {
  const prefix = testPrefix();
  t.teardown(() => removePrefix(admin, prefix));
  const current = indexTemplateBody(resolveElasticsearchSinkConfig({ indexPrefix: prefix })).template?.mappings ?? {};
  const v1Properties = Object.fromEntries(Object.entries(current.properties ?? {}).filter(([name]) => name !== 'words' && !name.startsWith('idOrder')));
  t.same(Object.keys(current.properties ?? {}).length - Object.keys(v1Properties).length, 4, 'words and three idOrder fields were added after template 1');
  await admin.indices.create({ index: `${prefix}-2026.11.29`, aliases: { [prefix]: {} }, mappings: { dynamic: 'strict', properties: v1Properties } });
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix });
  t.teardown(() => sink.close());
  const ev = event({ message: 'Disk FULL on db-7' });
  t.match(await sink.write(batch([ev])), { stored: 1, rejected: [] });
  await admin.indices.refresh({ index: prefix });
  t.same(await idsIn(admin, prefix), [ev.id]);
  const res = await admin.search({ index: prefix, query: { term: { words: 'full' } } });
  t.equal(res.hits.hits[0]?._id, ev.id, 'found by its words');
  const sorted = await admin.search({ index: prefix, sort: elasticsearchEventSort('desc'), track_total_hits: false });
  t.same(sorted.hits.hits[0]?.sort, elasticsearchSearchAfter(Date.parse(ev.timestamp), ev.id), 'sortable by its id as numbers');
});

t.test('the id is stored as numbers in id order, for sorting, and stays out of _source', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  // Same millisecond, ids whose order only their later digits decide.
  const ids = ['7f000000-0000-4000-8000-000000000002', '7f000000-0000-4000-8000-00000000000a', '7f000000-0000-4000-8000-000000000001', '7f000000-0000-4001-8000-000000000000', '00000000-0000-4000-8000-000000000000'];
  const events = ids.map((id) => event({ id, timestamp: '2026-11-29T10:00:00.123Z' }));
  t.match(await sink.write(batch(events)), { stored: 5, rejected: [] });
  await admin.indices.refresh({ index: prefix });
  for (const order of ['asc', 'desc'] as const) {
    const res = await admin.search<LogEvent>({ index: prefix, sort: elasticsearchEventSort(order), track_total_hits: false });
    const expected = [...ids].sort();
    t.same(res.hits.hits.map((h) => h._id), order === 'asc' ? expected : expected.reverse(), `${order}: the order of the ids' text`);
    for (const h of res.hits.hits) t.notOk(Object.keys(h._source ?? {}).some((k) => k.startsWith('idOrder')), 'not in _source');
  }
  const after = await admin.search({ index: prefix, sort: elasticsearchEventSort('asc'), search_after: elasticsearchSearchAfter(Date.parse('2026-11-29T10:00:00.123Z'), ids[0] ?? ''), track_total_hits: false });
  t.same(after.hits.hits.map((h) => h._id), ['7f000000-0000-4000-8000-00000000000a', '7f000000-0000-4001-8000-000000000000'], 'search_after continues from an id');
});

t.test('a message at the 32 KiB limit is stored and found by its words; regexp covers up to KEYWORD_SAFE_CHARS', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  // 32,768 UTF-8 bytes: over Lucene's 32,766-byte term limit, which would fail the document without ignore_above.
  const wide = event({ message: `needle ${'é'.repeat(16_380)}x` });
  const ascii = event({ message: `needle ${'x'.repeat(32_761)}` });
  const short = event({ message: 'needle in a short message' });
  t.equal(Buffer.byteLength(wide.message), 32_768);
  t.match(await sink.write(batch([wide, ascii, short])), { stored: 3, rejected: [] });
  await admin.indices.refresh({ index: prefix });
  const byWord = await admin.search({ index: prefix, query: { term: { words: 'needle' } } });
  t.equal(byWord.hits.hits.length, 3, 'all three found by a word');
  const byRegexp = await admin.search({ index: prefix, query: { regexp: { 'message.raw': 'needle.*' } } });
  t.same(byRegexp.hits.hits.map((h) => h._id), [short.id], 'message.raw holds messages up to KEYWORD_SAFE_CHARS only');
});

t.test('the same batch written twice is stored once; the second write reports all stored', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  const events = Array.from({ length: 500 }, (_, i) => event({ message: `event ${i}` }));
  const first = await sink.write(batch(events));
  t.match(first, { stored: 500, duplicates: 0, rejected: [] });
  const second = await sink.write(batch(events));
  t.match(second, { stored: 500, duplicates: 500, rejected: [], retried: 0 });
  t.same(await idsIn(admin, prefix), events.map((e) => e.id).sort());
});

t.test('a metadata value whose type conflicts with the mapping is rejected; the rest of the batch is stored', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  const first = event({ metadata: { n: 1 } });
  t.match(await sink.write(batch([first])), { stored: 1, rejected: [] });

  const before = event({ metadata: { n: 2 } });
  const conflicting = event({ metadata: { n: 'abc' } });
  const after = event({ metadata: { other: 'x' } });
  const result = await sink.write(batch([before, conflicting, after]));
  t.equal(result.stored, 2);
  t.equal(result.rejected.length, 1);
  const rejected = result.rejected[0];
  t.equal(rejected?.record.event.id, conflicting.id, 'the rejection carries its record (for the DLQ)');
  t.match(rejected?.code, /^(mapper_parsing_exception|document_parsing_exception)$/);
  t.match(rejected?.reason, /^(mapper_parsing_exception|document_parsing_exception): .*metadata\.n/);
  t.same(await idsIn(admin, prefix), [first.id, before.id, after.id].sort());
});

t.test('an unknown top-level field is refused by the strict mapping, alone', async (t) => {
  const { sink } = await sinkFor(t);
  const odd = { ...event(), extra: 1 } as LogEvent;
  const result = await sink.write(batch([odd, event()]));
  t.equal(result.stored, 1);
  t.equal(result.rejected[0]?.code, 'strict_dynamic_mapping_exception');
});

t.test('events of two UTC days land in two daily indices, both behind the alias', async (t) => {
  const { sink, prefix } = await sinkFor(t);
  const late = event({ timestamp: '2026-11-29T23:59:59.999Z' });
  const early = event({ timestamp: '2026-11-30T00:00:00.000Z' });
  t.match(await sink.write(batch([late, early])), { stored: 2 });
  const indices = await admin.indices.get({ index: `${prefix}-*` });
  t.same(Object.keys(indices).sort(), [`${prefix}-2026.11.29`, `${prefix}-2026.11.30`]);
  for (const index of Object.values(indices)) t.same(Object.keys(index.aliases ?? {}), [prefix], 'each index joins the alias');
  t.same(await idsIn(admin, prefix), [late.id, early.id].sort());
  const day = await admin.search({ index: `${prefix}-2026.11.30`, query: { match_all: {} } });
  t.equal(day.hits.hits[0]?._id, early.id);
});

t.test('an event without a usable timestamp is rejected before Elasticsearch', async (t) => {
  const { sink } = await sinkFor(t);
  const result = await sink.write(batch([event({ timestamp: 'tomorrow' }), event()]));
  t.equal(result.stored, 1);
  t.equal(result.rejected[0]?.code, 'invalid_timestamp');
});

t.test('a large batch is split by bytes into bulk requests, more than one in flight', async (t) => {
  const maxBulkBytes = 1024 * 1024;
  const client = newClient();
  const bodies: number[] = [];
  let active = 0;
  let peak = 0;
  const bulk = client.bulk.bind(client);
  // The sink sends each body as one NDJSON Buffer (bulkRequestBody), which the client's types do not describe.
  client.bulk = (async (params: { operations: Buffer }, options?: object) => {
    bodies.push(params.operations.length);
    active += 1;
    peak = Math.max(peak, active);
    try {
      return await bulk(params as unknown as Parameters<typeof bulk>[0], options);
    } finally {
      active -= 1;
    }
  }) as unknown as typeof client.bulk;
  const prefix = testPrefix();
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, maxBulkBytes, bulkConcurrency: 3 }, { client });
  t.teardown(async () => {
    await sink.close();
    await removePrefix(admin, prefix);
  });

  const events = Array.from({ length: 20_000 }, (_, i) => event({ message: `request ${i} served in ${i % 97} ms`, metadata: { i } }));
  const started = performance.now();
  const result = await sink.write(batch(events));
  t.comment(`20,000 events written in ${Math.round(performance.now() - started)} ms`);
  t.match(result, { stored: 20_000, rejected: [], retried: 0 });
  const total = bodies.reduce((sum, bytes) => sum + bytes, 0);
  t.ok(bodies.length >= Math.ceil(total / maxBulkBytes), `${bodies.length} bulk requests for ${total} bytes`);
  t.ok(bodies.length <= Math.ceil(total / maxBulkBytes) + 3, 'and not many more than needed');
  t.equal(result.bulkRequests, bodies.length);
  t.ok(bodies.every((bytes) => bytes <= maxBulkBytes), 'no body over maxBulkBytes');
  t.ok(peak > 1 && peak <= 3, `peak ${peak} requests in flight (bulkConcurrency 3)`);
  const ids = await idsIn(admin, prefix);
  t.equal(ids.length, 20_000);
  t.same(ids, events.map((e) => e.id).sort(), 'exactly those ids');
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('Elasticsearch down: the sink starts, is unhealthy, and write() rejects within the retry budget', async (t) => {
  const node = `http://127.0.0.1:${await closedPort()}`;
  const retry = { maxAttempts: 50, baseBackoffMs: 50, maxBackoffMs: 200, maxRetryTimeMs: 1_500 };
  const sink = await buildElasticsearchSink(context(), { node, indexPrefix: testPrefix(), retry, requestTimeoutMs: 1_000, healthcheckTimeoutMs: 500 });
  t.teardown(() => sink.close());
  t.equal(await sink.healthcheck(), false);
  const started = performance.now();
  await t.rejects(sink.write(batch([event()])), { code: 'SINK_ES_UNAVAILABLE', retryable: true });
  const elapsed = performance.now() - started;
  t.ok(elapsed >= 1_000 && elapsed < 3_000, `rejected after ${Math.round(elapsed)} ms (budget 1500 ms)`);
});

t.test('healthcheck: true against the running node', async (t) => {
  const { sink } = await sinkFor(t);
  t.equal(await sink.healthcheck(), true);
});

t.test('bad options fail the build', async (t) => {
  await t.rejects(buildElasticsearchSink(context(), { indexPrefix: 'Bad Prefix' }), { code: 'SINK_ES_BAD_OPTIONS' });
});

t.test('close() ends a write waiting to retry, and later writes are refused', async (t) => {
  const node = `http://127.0.0.1:${await closedPort()}`;
  const retry = { maxAttempts: 50, baseBackoffMs: 10_000, maxBackoffMs: 10_000, maxRetryTimeMs: 60_000 };
  const sink = await buildElasticsearchSink(context(), { node, indexPrefix: testPrefix(), retry });
  const pending = sink.write(batch([event()]));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  await sink.close();
  await t.rejects(pending, { code: 'SINK_ES_CLOSED' });
  t.ok(performance.now() - started < 1_000, 'close did not wait for the backoff');
  await t.rejects(sink.write(batch([event()])), { code: 'SINK_ES_CLOSED' });
});
