// GET /api/tail end to end: events POSTed to the real gateway reach matching subscribers within a second
// and never the others; a scoped key's stream holds only its resources; a client that stops reading is
// dropped with a last event saying why; the stream ends cleanly when the app closes.
import { randomUUID } from 'node:crypto';
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { createKey, get, startApp, type TestApp } from '../helpers/app.js';
import { createDataset, makeEvent } from '../helpers/dataset.js';
import { brokers, gatewayUrl, uniqueName } from '../helpers/services.js';
import { openTail, type SseMessage } from '../helpers/sse-client.js';

const run = randomUUID().slice(0, 8);

async function post(events: Record<string, unknown>[]): Promise<{ ids: string[]; sentAt: number }> {
  const sentAt = performance.now();
  const res = await fetch(`${gatewayUrl}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  if (res.status !== 202) throw new Error(`the gateway answered ${res.status}: ${await res.text()}`);
  return { ids: ((await res.json()) as { ids: string[] }).ids, sentAt };
}

const clientEvent = (resourceId: string, message: string) => ({ level: 'info', message, resourceId, timestamp: new Date().toISOString() });
const isLog = (m: SseMessage): m is SseMessage & { data: LogEvent } => m.event === 'log';

let api: TestApp;

t.before(async () => {
  const ds = await createDataset(t);
  api = await startApp(t, { schema: ds.schema, alias: ds.alias, listen: true, waitForTail: true });
  await api.services.keysReady;
});

t.test('an event posted to the gateway reaches a matching subscriber within 1 s, a non-matching one never', async (t) => {
  const reader = await createKey(api, 'reader');
  const matching = await openTail(api.url, reader.key, { resourceId: `tail-${run}-a`, level: 'info' });
  const other = await openTail(api.url, reader.key, { q: `resourceId:tail-${run}-b OR tail${run}nomatch` });
  t.teardown(() => {
    matching.close();
    other.close();
  });
  t.equal(matching.status, 200);
  await matching.waitFor('ready', (m) => m.event === 'ready');
  await other.waitFor('ready', (m) => m.event === 'ready');

  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const { ids, sentAt } = await post([clientEvent(`tail-${run}-a`, `live ${i}`), clientEvent(`tail-${run}-c`, `not for anyone ${i}`)]);
    const got = await matching.waitFor(`event ${i}`, (m) => isLog(m) && m.data.id === ids[0], 5000);
    latencies.push(got.at - sentAt);
    t.match(got.data, { id: ids[0], resourceId: `tail-${run}-a`, message: `live ${i}`, level: 'info', receivedAt: String });
  }
  t.comment(`POST → subscriber: ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  t.ok(Math.max(...latencies) < 1000, `every event within 1 s (max ${Math.max(...latencies).toFixed(0)} ms)`);
  await new Promise((r) => setTimeout(r, 1000));
  t.same(matching.messages.filter(isLog).map((m) => m.data.resourceId), Array(5).fill(`tail-${run}-a`), 'only its own events');
  t.same(other.messages.filter(isLog), [], 'the non-matching subscriber got nothing');
});

t.test('a key scoped to server-1* never receives another resource, whatever its tail asks', async (t) => {
  const scoped = await createKey(api, 'reader', ['server-1*']);
  const queries = [{}, { q: `resourceId:other-${run} OR resourceId:server-2-${run}` }, { q: `NOT resourceId:server-1-${run}` }, { resourceId: [`other-${run}`, `server-2-${run}`, `server-1-${run}`] }];
  const clients = await Promise.all(queries.map((q) => openTail(api.url, scoped.key, q)));
  t.teardown(() => clients.forEach((c) => c.close()));
  await Promise.all(clients.map((c) => c.waitFor('ready', (m) => m.event === 'ready')));
  const { ids } = await post([clientEvent(`other-${run}`, 'scope check'), clientEvent(`server-2-${run}`, 'scope check'), clientEvent(`Server-1-${run}`, 'scope check'), clientEvent(`server-1-${run}`, 'scope check')]);
  // The in-scope event proves the streams are live; queries that cannot match it get nothing of this run.
  await clients[0]?.waitFor('the in-scope event', (m) => isLog(m) && m.data.id === ids[3]);
  await clients[3]?.waitFor('the in-scope event', (m) => isLog(m) && m.data.id === ids[3]);
  await new Promise((r) => setTimeout(r, 1000));
  for (const [i, client] of clients.entries()) {
    const foreign = client.messages.filter(isLog).filter((m) => !m.data.resourceId.startsWith('server-1'));
    t.same(foreign, [], `stream ${JSON.stringify(queries[i])}: nothing outside server-1*`);
  }
});

t.test('an invalid query is refused before the stream starts; a reader-less key is refused', async (t) => {
  const bad = await get<{ error: { code: string } }>(api.app, '/api/tail', api.adminKey, { q: 'nosuchfield:x' });
  t.equal(bad.status, 400);
  t.equal(bad.body.error.code, 'QRY_INVALID_QUERY');
  const ingester = await createKey(api, 'ingester');
  t.equal((await get(api.app, '/api/tail', ingester.key)).status, 403);
});

t.test('a client that stops reading is dropped with a last event saying why', async (t) => {
  // A topic of its own, so the volume needed to fill the socket buffers goes to this app only.
  const kafka = new Kafka({ clientId: 'query-api-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = uniqueName('tail');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });
  const ds = await createDataset(t);
  const slowApp = await startApp(t, { schema: ds.schema, alias: ds.alias, listen: true, waitForTail: true, env: { LOGS_TOPIC: topic, QUERY_TAIL_MAX_BUFFERED_BYTES: '65536', QUERY_TAIL_HEARTBEAT_MS: '200' } });
  const slow = await openTail(slowApp.url, slowApp.adminKey);
  t.equal(slow.status, 200, 'the slow client is subscribed');
  const fast = await openTail(slowApp.url, slowApp.adminKey, { q: 'nothing-matches-this-word' });
  t.teardown(() => {
    slow.close();
    fast.close();
  });
  await slow.waitFor('ready', (m) => m.event === 'ready');
  slow.pause();

  const producer = kafka.producer();
  await producer.connect();
  const message = `filler ${'x'.repeat(8000)}`;
  let produced = 0;
  // Until the server gives up on the slow client: kernel buffers hold a few MB before Node's buffer grows.
  while (slowApp.services.deps.tail.size === 2 && produced < 20_000) {
    // 80 × 8 KB per request stays under the broker's 1 MiB message.max.bytes.
    const batch = Array.from({ length: 80 }, () => makeEvent({ message, resourceId: 'filler' }));
    await producer.send({ topic, messages: batch.map((e) => ({ key: e.resourceId, value: eventCodec.encode(e), headers: { [SCHEMA_FINGERPRINT_HEADER]: eventCodec.fingerprint } })) });
    produced += batch.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  await producer.disconnect();
  t.comment(`dropped after ${produced} events of 8 KB were produced`);
  t.equal(slowApp.services.deps.tail.size, 1, 'the slow subscriber is gone, the other one stays');
  slow.resume();
  const last = await slow.waitFor('the dropped event', (m) => m.event === 'dropped', 30_000);
  t.match(last.data, { reason: /read too slowly: more than 65536 bytes/ });
  await slow.ended;
  t.equal(slow.messages.at(-1)?.event, 'dropped', 'it is the last event');
  const metrics = await get<{ text: string }>(slowApp.app, '/metrics', undefined);
  t.match(metrics.body.text, /logpipe_query_tail_dropped_total\{reason="slow"\} 1/);
  t.match(metrics.body.text, /logpipe_query_tail_subscribers 1/);
});

t.test('closing the app ends every stream with a last event, and the close does not hang', async (t) => {
  const ds = await createDataset(t);
  const closing = await startApp(t, { schema: ds.schema, alias: ds.alias, listen: true, waitForTail: true });
  const client = await openTail(closing.url, closing.adminKey);
  await client.waitFor('ready', (m) => m.event === 'ready');
  const started = Date.now();
  await closing.app.close();
  await client.ended;
  t.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms`);
  t.match(client.messages.at(-1), { event: 'dropped', data: { reason: /shutting down/ } });
});
