// Acceptance: Kafka unreachable. The shared broker is never stopped; instead the gateway's kafkajs
// client gets a socket factory the test can cut (live connections destroyed, new ones refused or
// left hanging), or points at a port where nothing listens. Clients get 503 (or 429) with
// Retry-After in bounded time, never a 202 for an event that is not in Kafka, and ingest resumes by
// itself when the broker is reachable again. Also: 429 when in-flight bytes pass a tiny limit.
import t from 'tap';
import net from 'node:net';
import type { ISocketFactory } from 'kafkajs';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec } from '@logpipe/schemas';
import { brokers, readTopic, requireKafka, startGateway, topicAdmin, uniqueTopic } from '../helpers/kafka.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JSON_TYPE = { 'content-type': 'application/json' };

/** A TCP port on which nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | undefined;
  target: { host: string; port: number };
}

/**
 * A TCP proxy in front of each broker, put between kafkajs and Kafka through kafkajs's socketFactory.
 * Cutting it is what the client would see of a real outage: 'refuse' closes every connection (the
 * client reads FIN) and stops listening (new connections are refused), like a stopped broker;
 * 'hang' stops forwarding in both directions on open connections and holds new ones, like a network
 * partition. restore() heals either; the broker itself is never touched.
 */
class BrokerProxy {
  #mode: 'up' | 'refuse' | 'hang' = 'up';
  readonly #proxies = new Map<string, { server: net.Server; port: number; target: { host: string; port: number } }>();
  readonly #pairs = new Set<Pair>();

  /** Proxies every address kafkajs may dial: the seed brokers and the ones the cluster advertises. */
  async init(seeds: string[], admin: { describeCluster(): Promise<{ brokers: { host: string; port: number }[] }> }): Promise<void> {
    const { brokers: advertised } = await admin.describeCluster();
    const targets = [...seeds.map((b) => ({ host: b.slice(0, b.lastIndexOf(':')), port: Number(b.slice(b.lastIndexOf(':') + 1)) })), ...advertised];
    for (const target of targets) {
      const key = `${target.host}:${target.port}`;
      if (this.#proxies.has(key)) continue;
      const server = net.createServer((client) => this.#accept(client, target));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.#proxies.set(key, { server, port: (server.address() as net.AddressInfo).port, target });
    }
  }

  #accept(client: net.Socket, target: { host: string; port: number }): void {
    const pair: Pair = { client, upstream: undefined, target };
    this.#pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      this.#pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (this.#mode === 'hang') return; // held: connected, never answered
    this.#connect(pair);
  }

  #connect(pair: Pair): void {
    const upstream = net.connect(pair.target);
    pair.upstream = upstream;
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.end());
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
  }

  readonly factory: ISocketFactory = ({ host, port, onConnect }) => {
    const proxy = this.#proxies.get(`${host}:${port}`);
    if (!proxy) throw new Error(`no proxy for ${host}:${port}`);
    const socket = net.connect({ host: '127.0.0.1', port: proxy.port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    return socket;
  };

  async cut(mode: 'refuse' | 'hang'): Promise<void> {
    this.#mode = mode;
    if (mode === 'refuse') {
      for (const { server } of this.#proxies.values()) server.close();
      for (const pair of this.#pairs) {
        pair.client.end();
        pair.upstream?.destroy();
      }
    } else {
      for (const { client, upstream } of this.#pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    }
  }

  async restore(): Promise<void> {
    const was = this.#mode;
    this.#mode = 'up';
    if (was === 'refuse') {
      for (const proxy of this.#proxies.values()) {
        proxy.server = net.createServer((client) => this.#accept(client, proxy.target));
        await new Promise<void>((resolve) => proxy.server.listen(proxy.port, '127.0.0.1', resolve));
      }
    } else {
      // The partition heals: held connections are forwarded, paused ones flow again.
      for (const pair of this.#pairs) {
        if (pair.upstream === undefined) this.#connect(pair);
        else {
          pair.client.pipe(pair.upstream);
          pair.upstream.pipe(pair.client);
          pair.client.resume();
          pair.upstream.resume();
        }
      }
    }
  }

  async close(): Promise<void> {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.upstream?.destroy();
    }
    for (const { server } of this.#proxies.values()) server.close();
  }
}

interface Outcome {
  status: number;
  ms: number;
  ids: string[];
  retryAfter: string | null;
  code?: string;
  at: number;
}

async function post(url: string, events: unknown[]): Promise<Outcome> {
  const started = performance.now();
  const res = await fetch(`${url}/logs`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify(events) });
  const body = (await res.json()) as { ids?: string[]; error?: { code: string } };
  return { status: res.status, ms: performance.now() - started, ids: body.ids ?? [], retryAfter: res.headers.get('retry-after'), at: performance.now(), ...(body.error ? { code: body.error.code } : {}) };
}

let n = 0;
const someEvents = (count: number) => Array.from({ length: count }, () => ({ level: 'info', message: `outage ${++n}`, resourceId: `svc-${n % 17}`, timestamp: '2024-05-01T12:00:00Z' }));

t.test('no broker at all: 503 with Retry-After at once, readyz 503', async (t) => {
  const port = await deadPort();
  const gateway = await startGateway(t, { kafkaBrokers: [`127.0.0.1:${port}`], kafkaConnectionTimeoutMs: 300, readyProbeTimeoutMs: 500, produceTimeoutMs: 2000 }, { start: false });
  const outcome = await post(gateway.url, someEvents(3));
  t.equal(outcome.status, 503);
  t.ok(outcome.retryAfter, 'Retry-After');
  t.ok(outcome.ms < 2500, `answered in ${Math.round(outcome.ms)} ms`);
  const ready = await fetch(`${gateway.url}/readyz`);
  t.equal(ready.status, 503);
});

t.test('against the real broker', async (t) => {
  if (!(await requireKafka(t))) return;
  const admin = await topicAdmin(t);

  for (const mode of ['refuse', 'hang'] as const) {
    t.test(`broker ${mode === 'refuse' ? 'refuses connections' : 'hangs'} during load, then returns`, async (t) => {
      const topic = uniqueTopic(`outage-${mode}`);
      admin.track(topic);
      const broker = new BrokerProxy();
      await broker.init(brokers, admin);
      t.teardown(() => broker.close());
      const PRODUCE_TIMEOUT_MS = 2000;
      const gateway = await startGateway(
        t,
        { topic, produceTimeoutMs: PRODUCE_TIMEOUT_MS, kafkaRetries: 2, kafkaConnectionTimeoutMs: 500, kafkaRequestTimeoutMs: 3000, readyProbeTimeoutMs: 500 },
        { socketFactory: broker.factory },
      );

      const outcomes: Outcome[] = [];
      let loading = true;
      const client = async (c: number) => {
        while (loading) {
          outcomes.push(await post(gateway.url, someEvents(1 + (c % 5))));
          await sleep(10);
        }
      };
      const started = performance.now();
      const clients = Array.from({ length: 10 }, (_, c) => client(c));
      await sleep(1000);
      const cutAt = performance.now();
      await broker.cut(mode);
      await sleep(PRODUCE_TIMEOUT_MS + 2000);
      const readyDuringOutage = (await fetch(`${gateway.url}/readyz`)).status;
      const restoredAt = performance.now();
      await broker.restore();
      // Wait until 202s flow again, bounded.
      while (performance.now() - restoredAt < 30_000 && !outcomes.some((o) => o.at > restoredAt && o.status === 202)) await sleep(100);
      await sleep(1000);
      loading = false;
      await Promise.all(clients);
      const readyAfter = (await fetch(`${gateway.url}/readyz`)).status;

      const count = (pred: (o: Outcome) => boolean) => outcomes.filter(pred).length;
      t.comment(`${mode}: ${outcomes.length} requests in ${Math.round(performance.now() - started)} ms; before cut ${count((o) => o.at < cutAt && o.status === 202)} × 202; during ${JSON.stringify(Object.fromEntries(['202', '429', '503'].map((s) => [s, count((o) => o.at > cutAt && o.at < restoredAt && o.status === Number(s))])))}; after restore ${count((o) => o.at > restoredAt && o.status === 202)} × 202`);
      t.ok(count((o) => o.at < cutAt && o.status === 202) > 0, 'accepted before the outage');
      t.ok(count((o) => o.at > cutAt && (o.status === 503 || o.status === 429)) > 0, '503/429 during the outage');
      t.equal(count((o) => o.status !== 202 && o.status !== 503 && o.status !== 429), 0, 'only 202, 429 or 503');
      t.equal(count((o) => o.status !== 202 && !o.retryAfter), 0, 'every refusal has Retry-After');
      const slowest = Math.max(...outcomes.map((o) => o.ms));
      t.ok(slowest < PRODUCE_TIMEOUT_MS + 1500, `no request waited past the produce timeout (slowest ${Math.round(slowest)} ms)`);
      t.equal(readyDuringOutage, 503, 'readyz 503 during the outage');
      t.ok(count((o) => o.at > restoredAt && o.status === 202) > 0, 'ingest resumed by itself after the broker returned');
      t.equal(readyAfter, 200, 'readyz 200 again');

      await gateway.close();
      const acknowledged = outcomes.filter((o) => o.status === 202).flatMap((o) => o.ids);
      const inTopic = new Set((await readTopic(admin, topic)).map((r) => eventCodec.decode(r.value, r.headers[SCHEMA_FINGERPRINT_HEADER] as Buffer).id));
      const missing = acknowledged.filter((id) => !inTopic.has(id));
      t.equal(missing.length, 0, `every one of the ${acknowledged.length} acknowledged ids is in the topic`);
    });
  }

  t.test('429 with Retry-After when in-flight bytes pass a tiny limit', async (t) => {
    const topic = uniqueTopic('saturated');
    admin.track(topic);
    // About two single-event requests fit; a 50 ms linger keeps them pending while more arrive.
    const gateway = await startGateway(t, { topic, maxInFlightBytes: 600, lingerMs: 50 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => post(gateway.url, someEvents(1))));
    const statuses = outcomes.map((o) => o.status);
    t.ok(statuses.includes(202), 'some accepted');
    t.ok(statuses.includes(429), 'some refused with 429');
    t.ok(outcomes.filter((o) => o.status === 429).every((o) => o.retryAfter && o.code === 'GW_OVERLOADED'), 'GW_OVERLOADED with Retry-After');
    t.equal(statuses.filter((s) => s !== 202 && s !== 429).length, 0);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    t.match(metrics, new RegExp(`logpipe_gateway_requests_rejected_total\\{code="GW_OVERLOADED"\\} ${statuses.filter((s) => s === 429).length}`), 'counted in metrics');
  });
});
