// The sinks' kafkajs client: its log lines go through pino, and the topics a sink needs exist before it
// subscribes. No business rules here.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { SinkConfig } from './config.js';

export type KafkaClientConfig = Pick<SinkConfig, 'kafkaBrokers' | 'kafkaClientId' | 'kafkaConnectionTimeoutMs' | 'kafkaRequestTimeoutMs'>;

function kafkaLogger(logger: Logger) {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      // kafkajs's entries carry broker addresses and error details, never record payloads.
      const { message, timestamp: _timestamp, logger: _name, ...details } = log;
      const entry = { namespace, ...details };
      if (level === logLevel.ERROR) child.error(entry, message);
      else if (level === logLevel.WARN) child.warn(entry, message);
      else if (level === logLevel.INFO) child.info(entry, message);
      else child.debug(entry, message);
    };
}

export function createKafka(config: KafkaClientConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    connectionTimeout: config.kafkaConnectionTimeoutMs,
    requestTimeout: config.kafkaRequestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogger(logger),
  });
}

export interface TopicSpec {
  topic: string;
  numPartitions: number;
}

/** How long ensureTopics keeps retrying errors the broker calls retriable (a topic it is still creating). */
const ENSURE_TOPICS_DEADLINE_MS = 30_000;

/**
 * Creates the topics that are missing. The broker does not auto-create topics (the stack turns it off),
 * and a sink may start before the gateway created the logs topic; an existing topic keeps its settings.
 * Right after a create, a KRaft broker may still answer "does not host this topic-partition" to the
 * metadata request that waits for leaders; that error is retriable, so it is retried until the deadline
 * rather than failing the start of a sink on a fresh cluster.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + ENSURE_TOPICS_DEADLINE_MS;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return;
        // createTopics answers false when another process created them first; either way they exist now.
        await admin.createTopics({ topics: missing, waitForLeaders: true });
        logger.info({ topics: missing }, 'ensured topics');
        return;
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable || Date.now() >= deadline) throw err;
        logger.warn({ err, attempt }, 'topics not ready yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 200 * attempt)));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
