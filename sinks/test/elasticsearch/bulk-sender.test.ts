// Retries, through the whole sink into the real node. Only the failures are fake: a wrapper around the
// client's `bulk` withholds chosen items from Elasticsearch and answers for them with the given status, or
// fails whole requests; everything else is the node's own answer.
import { Writable } from 'node:stream';
import { errors, type Client } from '@elastic/elasticsearch';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { buildElasticsearchSink, type ElasticsearchSink } from '../../src/elasticsearch/index.js';
import { esUrl, idsIn, newClient, removePrefix, testPrefix } from './helpers/es.js';
import { batch, context, event } from './helpers/fixtures.js';

const admin = newClient();
t.teardown(() => admin.close());

const fastRetry = { maxAttempts: 5, baseBackoffMs: 10, maxBackoffMs: 50, maxRetryTimeMs: 5_000 };

type BulkParams = { operations: string[] };
type BulkBody = { errors: boolean; items?: unknown[] };
/** Decides, per call, what happens instead of (or around) the real request. */
type Script = (call: number, params: BulkParams, real: (params: BulkParams) => Promise<BulkBody>) => Promise<BulkBody>;

/** The sink sends each body as one NDJSON Buffer (bulkRequestBody); scripts see it item by item, two lines each. */
function itemsOf(body: Buffer): string[] {
  const lines = body.toString().split('\n');
  if (lines.pop() !== '') throw new Error('a bulk body ends with a newline');
  return Array.from({ length: lines.length / 2 }, (_, i) => `${lines[2 * i]}\n${lines[2 * i + 1]}`);
}

function scriptedClient(script: Script): { client: Client; calls: BulkParams[] } {
  const client = newClient();
  const calls: BulkParams[] = [];
  const real = client.bulk.bind(client) as unknown as (params: BulkParams) => Promise<BulkBody>;
  client.bulk = (async (sent: { operations: Buffer }) => {
    const params = { ...sent, operations: itemsOf(sent.operations) };
    calls.push({ operations: [...params.operations] });
    return script(calls.length, params, (p) => real({ ...params, ...p }));
  }) as unknown as typeof client.bulk;
  return { client, calls };
}

/** Items at `fail` are not sent on; the answer has `status` for them and the node's answers for the rest. */
function withhold(fail: Map<number, number>): (params: BulkParams, real: (params: BulkParams) => Promise<BulkBody>) => Promise<BulkBody> {
  return async (params, real) => {
    const forwarded = params.operations.filter((_, i) => !fail.has(i));
    const answer = forwarded.length > 0 ? await real({ operations: forwarded }) : { errors: false };
    const realItems = answer.items ?? forwarded.map(() => ({ create: { status: 201 } }));
    let next = 0;
    const items = params.operations.map((_, i) => {
      const status = fail.get(i);
      return status === undefined ? realItems[next++] : { create: { status, error: { type: status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception', reason: 'fake' } } };
    });
    return { errors: true, items };
  };
}

async function sinkWith(t: Test, client: Client, retry = fastRetry): Promise<{ sink: ElasticsearchSink; prefix: string }> {
  const prefix = testPrefix();
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, retry }, { client });
  t.teardown(async () => {
    await sink.close();
    await removePrefix(admin, prefix);
  });
  return { sink, prefix };
}

t.test('items answered 429 or 503 are re-sent, alone, and end up stored', async (t) => {
  const { client, calls } = scriptedClient((call, params, real) =>
    call === 1 ? withhold(new Map([[1, 429], [3, 429], [4, 503]]))(params, real) : real(params),
  );
  const { sink, prefix } = await sinkWith(t, client);
  const events = Array.from({ length: 8 }, (_, i) => event({ message: `event ${i}` }));
  const result = await sink.write(batch(events));

  t.match(result, { stored: 8, rejected: [], retried: 3, duplicates: 0, bulkRequests: 2 });
  t.equal(calls.length, 2);
  t.same(
    calls[1]?.operations.map((lines) => JSON.parse(lines.split('\n')[1] ?? '').id),
    [events[1]?.id, events[3]?.id, events[4]?.id],
    'the second request carries exactly the failed items, in order',
  );
  t.same(await idsIn(admin, prefix), events.map((e) => e.id).sort(), 'all of them are in the real index');
});

t.test('a request that gets no answer is sent again whole', async (t) => {
  const { client, calls } = scriptedClient((call, params, real) => {
    if (call <= 2) throw new errors.ConnectionError('connect ECONNREFUSED (fake)');
    return real(params);
  });
  const { sink, prefix } = await sinkWith(t, client);
  const events = Array.from({ length: 5 }, () => event());
  const result = await sink.write(batch(events));
  t.match(result, { stored: 5, retried: 10, bulkRequests: 3 });
  t.equal(calls.length, 3);
  t.same(await idsIn(admin, prefix), events.map((e) => e.id).sort());
});

t.test('items that stay 429 past the budget reject the write; the redelivery stores them, the rest count as duplicates', async (t) => {
  let overloaded = true;
  const { client } = scriptedClient((_call, params, real) => (overloaded ? withhold(new Map([[0, 429]]))(params, real) : real(params)));
  const { sink, prefix } = await sinkWith(t, client, { ...fastRetry, maxAttempts: 3 });
  const events = Array.from({ length: 3 }, () => event());
  await t.rejects(sink.write(batch(events)), { code: 'SINK_ES_UNAVAILABLE', message: /es_rejected_execution_exception/ });
  t.same(await idsIn(admin, prefix), [events[1]?.id, events[2]?.id].sort(), 'what was accepted stays');

  overloaded = false;
  t.match(await sink.write(batch(events)), { stored: 3, duplicates: 2, retried: 0 });
  t.same(await idsIn(admin, prefix), events.map((e) => e.id).sort());
});

t.test('an item refused for a reason that is not the document (403 block) rejects the write, nothing is dead-lettered', async (t) => {
  const { client } = scriptedClient(async () => ({
    errors: true,
    items: [{ create: { status: 403, error: { type: 'cluster_block_exception', reason: 'index blocked (fake)' } } }],
  }));
  const { sink } = await sinkWith(t, client);
  await t.rejects(sink.write(batch([event()])), { code: 'SINK_ES_ITEM_REFUSED', message: /cluster_block_exception/ });
});

t.test('a request refused as a whole with a non-retriable status rejects at once', async (t) => {
  const { client, calls } = scriptedClient(async () => {
    throw new errors.ResponseError({ body: { error: { type: 'illegal_argument_exception' } }, statusCode: 400, headers: {}, warnings: null, meta: {} as never });
  });
  const { sink } = await sinkWith(t, client);
  await t.rejects(sink.write(batch([event()])), { code: 'SINK_ES_REQUEST_REFUSED', retryable: false });
  t.equal(calls.length, 1, 'not retried');
});

t.test('the first failing body ends the write at once: other bodies stop waiting to retry', async (t) => {
  const { client, calls } = scriptedClient(async (call, params) => {
    if (call === 1) return { errors: true, items: params.operations.map(() => ({ create: { status: 429, error: { type: 'es_rejected_execution_exception', reason: 'fake' } } })) };
    throw new errors.ResponseError({ body: {}, statusCode: 400, headers: {}, warnings: null, meta: {} as never });
  });
  const prefix = testPrefix();
  const slowRetry = { maxAttempts: 5, baseBackoffMs: 20_000, maxBackoffMs: 20_000, maxRetryTimeMs: 60_000 };
  // Two events per body, two bodies in flight; after the 429 the first body would wait up to 20 s.
  const sink = await buildElasticsearchSink(context(), { node: esUrl, indexPrefix: prefix, retry: slowRetry, maxBulkBytes: 1024, bulkConcurrency: 2 }, { client });
  t.teardown(async () => {
    await sink.close();
    await removePrefix(admin, prefix);
  });
  const started = performance.now();
  await t.rejects(sink.write(batch(Array.from({ length: 4 }, () => event()))), { code: 'SINK_ES_REQUEST_REFUSED' });
  t.ok(performance.now() - started < 2_000, 'did not wait for the other body\'s backoff');
  t.equal(calls.length, 2, 'no body was taken after the failure');
});

t.test('an outage logs its retries once per interval; the result still counts every retried document', async (t) => {
  // Of every five requests, four get no answer: each write succeeds on its fifth (and last allowed) attempt.
  const { client } = scriptedClient(async (call, params, real) => {
    if (call % 5 !== 0) throw new errors.ConnectionError('connect ECONNREFUSED (fake)');
    return real(params);
  });
  const lines: Array<Record<string, unknown>> = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const prefix = testPrefix();
  const options = { node: esUrl, indexPrefix: prefix, retry: fastRetry, bulkConcurrency: 1 };
  const sink = await buildElasticsearchSink({ ...context(), logger: pino({ level: 'warn' }, logStream) }, options, { client });
  t.teardown(async () => {
    await sink.close();
    await removePrefix(admin, prefix);
  });

  t.match(await sink.write(batch(Array.from({ length: 3 }, () => event()))), { stored: 3, retried: 12 });
  t.match(await sink.write(batch(Array.from({ length: 3 }, () => event()))), { stored: 3, retried: 12 });
  const retryLines = lines.filter((l) => l.msg === 'retrying bulk documents');
  t.equal(retryLines.length, 1, 'one line for eight retries within the interval');
  t.match(retryLines[0], { code: 'SINK_ES_RETRY', documents: 3, suppressedRetries: 0 });
});
