// KafkaSink against the local stack's Kafka: topic creation, what a record looks like on the wire,
// the partitioner, readiness; and the facts behind the producer's configuration.
import t from 'tap';
import { createServer } from 'node:net';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { pino } from 'pino';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec, normalizeEvent } from '@logpipe/schemas';
import { loadConfig } from '../src/config.js';
import { KafkaSink } from '../src/producer.js';
import { encodeRecord } from '../src/record.js';
import { endOffsets, javaPartition, murmur2, readTopic, requireKafka, testKafka, topicAdmin, uniqueTopic } from './helpers/kafka.js';

const logger = pino({ level: 'silent' });

/** A TCP port on which nothing listens (bound, then released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('murmur2 matches the Java client, and kafkajs DefaultPartitioner matches it', async (t) => {
  // Vectors from Kafka's UtilsTest.testMurmur2.
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, hash] of vectors) t.equal(murmur2(Buffer.from(key)), hash, key);
  const partitioner = Partitioners.DefaultPartitioner();
  for (const partitions of [1, 6, 7, 32]) {
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId): PartitionMetadata => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    let same = 0;
    for (let i = 0; i < 500; i++) {
      const key = `resource-${i}-é`;
      if (partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }) === javaPartition(key, partitions)) same++;
    }
    t.equal(same, 500, `${partitions} partitions`);
  }
});

t.test('against the real broker', async (t) => {
  if (!(await requireKafka(t))) return;
  const admin = await topicAdmin(t);

  t.test('start creates the topic with the configured partitions; a second start keeps it', async (t) => {
    const topic = uniqueTopic('create');
    admin.track(topic);
    const config = { ...loadConfig(), topic, topicPartitions: 3 };
    const first = new KafkaSink({ config, logger });
    await first.start();
    t.equal((await endOffsets(admin, topic)).size, 3);
    const second = new KafkaSink({ config: { ...config, topicPartitions: 5 }, logger });
    await second.start();
    t.equal((await endOffsets(admin, topic)).size, 3, 'an existing topic keeps its partition count');
    t.equal(await first.isReady(), true, 'ready: the topic has leaders');
    await Promise.all([first.close(), second.close()]);
  });

  t.test('a record: key = resourceId, Avro value, fingerprint header, Java partition', async (t) => {
    const topic = uniqueTopic('record');
    admin.track(topic);
    const sink = new KafkaSink({ config: { ...loadConfig(), topic, topicPartitions: 6 }, logger });
    t.teardown(() => sink.close());
    await sink.start();
    const events = Array.from({ length: 40 }, (_, i) => {
      const r = normalizeEvent({ level: 'info', message: `m${i}`, resourceId: `res-${i % 9}`, timestamp: '2024-05-01T00:00:00Z', metadata: { i } }, { now: () => new Date(), newId: () => `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}` });
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      return r.event;
    });
    await sink.send(events.map(encodeRecord));
    const read = await readTopic(admin, topic);
    t.equal(read.length, 40);
    for (const rec of read) {
      const decoded = eventCodec.decode(rec.value, rec.headers[SCHEMA_FINGERPRINT_HEADER] as Buffer);
      t.equal(rec.key, decoded.resourceId);
      t.equal(rec.partition, javaPartition(decoded.resourceId, 6));
    }
    t.same(
      read.map((r) => eventCodec.decode(r.value, r.headers[SCHEMA_FINGERPRINT_HEADER] as Buffer).id).sort(),
      events.map((e) => e.id).sort(),
    );
  });

  t.test('no broker: start fails and readiness says no, both in bounded time', async (t) => {
    const port = await deadPort();
    const sink = new KafkaSink({ config: { ...loadConfig(), kafkaBrokers: [`127.0.0.1:${port}`], kafkaRetries: 1, kafkaConnectionTimeoutMs: 500, readyProbeTimeoutMs: 500 }, logger });
    let started = performance.now();
    await t.rejects(sink.start());
    t.ok(performance.now() - started < 15_000, `start gave up after ${Math.round(performance.now() - started)} ms`);
    started = performance.now();
    t.equal(await sink.isReady(), false);
    t.ok(performance.now() - started < 1500, 'probe bounded by readyProbeTimeoutMs');
    await sink.close();
  });

  t.test("kafkajs's idempotent producer works with this broker (it is still not used: see producer.ts)", async (t) => {
    const topic = uniqueTopic('idempotent');
    admin.track(topic);
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = testKafka().producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    t.teardown(() => producer.disconnect());
    await Promise.all(Array.from({ length: 20 }, (_, i) => producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [{ key: `k${i}`, value: `v${i}` }] }] })));
    t.ok(producer.isIdempotent());
    const total = [...(await endOffsets(admin, topic)).values()].reduce((a, b) => a + b, 0);
    t.equal(total, 20, 'every concurrent send written once');
  });
});
