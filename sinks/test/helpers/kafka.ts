// Kafka of the local stack: unique topics per test, a producer that writes like the gateway, and a
// reader of the dead-letter topic.
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import { Kafka, logLevel, type Admin, type KafkaMessage, type Message } from 'kafkajs';
import { uniqueSuffix } from './events.js';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'sinks-test', brokers, connectionTimeout: 3000, logLevel: logLevel.NOTHING });
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface TestTopics {
  topic: string;
  dlqTopic: string;
  groupId: string;
}

/** Unique topic, DLQ topic and group names; both topics are deleted in teardown. */
export async function testTopics(t: Teardown, admin: Admin, partitions = 3): Promise<TestTopics> {
  const id = uniqueSuffix();
  const names = { topic: `test-sinks-${id}`, dlqTopic: `test-sinks-${id}.dlq`, groupId: `test-sinks-${id}` };
  await admin.createTopics({ topics: [{ topic: names.topic, numPartitions: partitions }, { topic: names.dlqTopic, numPartitions: 1 }], waitForLeaders: true });
  t.teardown(async () => {
    await admin.deleteTopics({ topics: [names.topic, names.dlqTopic], timeout: 5000 }).catch(() => {});
    await admin.deleteGroups([names.groupId]).catch(() => {});
  });
  return names;
}

/** The gateway's record: key = resourceId, Avro value, fingerprint header. */
export function eventMessage(event: LogEvent, partition?: number): Message {
  return {
    key: event.resourceId,
    value: eventCodec.encode(event),
    headers: { [SCHEMA_FINGERPRINT_HEADER]: eventCodec.fingerprint },
    ...(partition === undefined ? {} : { partition }),
  };
}

export async function produce(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads `count` messages of a topic from the beginning, or fails after timeoutMs. */
export async function readMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  const groupId = `test-sinks-reader-${uniqueSuffix()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} messages in ${topic} after ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message);
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
  return seen;
}

/** Resolves when `check` holds, polling every 100 ms; rejects with `what` after timeoutMs. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
