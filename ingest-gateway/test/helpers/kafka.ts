// Fixtures for tests against the local stack's real Kafka: unique topics, reading a whole topic back,
// the Java client's partitioner, and a listening gateway wired to a real KafkaSink.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type ISocketFactory, type IHeaders } from 'kafkajs';
import { pino } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { KafkaSink } from '../../src/producer.js';
import { v7 as uuidv7 } from 'uuid';

// The same variables as the gateway (KAFKA_BROKERS), through the gateway's own parser.
export const brokers = loadConfig().kafkaBrokers;

export const uniqueTopic = (name: string): string => `test-gw-${name}-${randomUUID().slice(0, 8)}`;

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'gateway-tests', brokers, connectionTimeout: 3000, logLevel: logLevel.NOTHING });
}

/** Fails the test with a hint when the stack's Kafka is not up, instead of hanging in retries. */
export async function requireKafka(t: Test): Promise<boolean> {
  const probe = new Kafka({ clientId: 'gateway-tests-probe', brokers, connectionTimeout: 2000, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await probe.connect();
    await probe.describeCluster();
    return true;
  } catch (err) {
    t.fail(`Kafka is not reachable at ${brokers.join(',')} (${(err as Error).message}); start the stack with \`npm run up\``);
    return false;
  } finally {
    await probe.disconnect();
  }
}

/** An admin client that deletes the test's topics at teardown. */
export async function topicAdmin(t: Test): Promise<Admin & { track(topic: string): void }> {
  const admin = testKafka().admin();
  await admin.connect();
  const topics: string[] = [];
  t.teardown(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => {});
    await admin.disconnect();
  });
  return Object.assign(admin, { track: (topic: string) => void topics.push(topic) });
}

/** High watermark of every partition, by partition. */
export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
}

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | undefined;
  value: Buffer;
  headers: IHeaders;
}

/**
 * Every record of the topic, from offset 0 of each partition up to its end offset at call time,
 * read with a consumer group of its own.
 */
export async function readTopic(admin: Admin, topic: string, timeoutMs = 60_000): Promise<ReadRecord[]> {
  const ends = await endOffsets(admin, topic);
  const expected = [...ends.values()].reduce((a, b) => a + b, 0);
  const records: ReadRecord[] = [];
  if (expected === 0) return records;
  const consumer = testKafka().consumer({ groupId: `${topic}-reader-${randomUUID().slice(0, 8)}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records of ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (Number(m.offset) >= (ends.get(batch.partition) ?? 0)) continue;
              records.push({ partition: batch.partition, offset: m.offset, key: m.key?.toString(), value: m.value ?? Buffer.alloc(0), headers: m.headers ?? {} });
            }
            if (records.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Kafka's Utils.murmur2 (the Java client's), written independently of kafkajs to check it. */
export function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  const length4 = data.length >> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = data.length & ~3;
  const rest = data.length & 3;
  // Java's switch falls through from case 3 to case 1.
  if (rest >= 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition the Java client's default partitioner picks for a keyed record. */
export const javaPartition = (key: string, partitions: number): number => (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;

export interface RunningGateway {
  url: string;
  sink: KafkaSink;
  config: GatewayConfig;
  close(): Promise<void>;
}

/** A gateway listening on a free port, producing to the real Kafka (or wherever config points). */
export async function startGateway(t: Test, overrides: Partial<GatewayConfig>, options: { socketFactory?: ISocketFactory; start?: boolean } = {}): Promise<RunningGateway> {
  const config: GatewayConfig = { ...loadConfig(), port: 0, ...overrides };
  const logger = pino({ level: 'silent' });
  const sink = new KafkaSink({ config, logger, ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}) });
  if (options.start !== false) await sink.start();
  const app = buildApp({ producer: sink, logger, now: () => new Date(), newId: uuidv7, config, metrics: createMetrics() });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await sink.close();
  };
  t.teardown(close);
  return { url: address, sink, config, close };
}
