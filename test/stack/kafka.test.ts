// Smoke test of the running stack's Kafka: one keyed message with a header, through a fresh topic and a
// fresh consumer group. Start the stack first (`npm run up`); KAFKA_BROKERS points elsewhere.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Kafka, Partitioners, logLevel, type EachMessagePayload } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

t.test('a message keeps its key, value, header and partition through Kafka', async (t) => {
  t.setTimeout(30_000);

  // No retries here: an absent broker should fail in a second with its address, not after ~10 s of backoff.
  const probe = new Kafka({ clientId: 'kafka-smoke-probe', brokers, connectionTimeout: 2000, retry: { retries: 0 }, logLevel: logLevel.NOTHING }).admin();
  try {
    await probe.connect();
    await probe.describeCluster();
  } catch (err) {
    t.fail(`Kafka is not reachable at ${brokers.join(',')} (${(err as Error).message}); start the stack with \`npm run up\` or set KAFKA_BROKERS`);
    return;
  } finally {
    await probe.disconnect();
  }

  const kafka = new Kafka({ clientId: 'kafka-smoke', brokers, connectionTimeout: 3000, logLevel: logLevel.NOTHING });
  const id = randomUUID().slice(0, 8);
  const topic = `smoke-kafka-${id}`;
  const partition = 4;

  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `smoke-kafka-${id}`, maxWaitTimeInMs: 500 });
  t.teardown(async () => {
    // The consumer leaves before its topic goes, so it never fetches from a deleted topic.
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic], timeout: 5000 }).catch(() => {});
    await admin.disconnect();
  });

  await admin.connect();
  t.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true }), true, 'topic created');

  await producer.connect();
  const [sent] = await producer.send({
    topic,
    acks: -1,
    messages: [{ key: `key-${id}`, value: JSON.stringify({ message: 'hello', id }), headers: { 'x-smoke': `header-${id}` }, partition }],
  });
  t.equal(sent?.errorCode, 0, 'produce acknowledged by all in-sync replicas');

  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = await new Promise<EachMessagePayload>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no message consumed from ${topic} within 20 s`)), 20_000);
    consumer
      .run({
        eachMessage: async (payload) => {
          clearTimeout(timer);
          resolve(payload);
        },
      })
      .catch(reject);
  });

  t.equal(received.partition, partition, 'partition');
  t.equal(received.message.offset, sent?.baseOffset, 'offset');
  t.equal(received.message.key?.toString(), `key-${id}`, 'key');
  t.same(JSON.parse(received.message.value?.toString() ?? 'null'), { message: 'hello', id }, 'value');
  t.equal(received.message.headers?.['x-smoke']?.toString(), `header-${id}`, 'header');
});
