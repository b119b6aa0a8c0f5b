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

/**
 * Creates the topics that are missing. The broker does not auto-create topics (the stack turns it off),
 * and a sink may start before the gateway created the logs topic; an existing topic keeps its settings.
 */
export async function ensureTopics(kafka: Kafka, topics: TopicSpec[], logger: Logger): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    // createTopics answers false when another process created them first; either way they exist now.
    await admin.createTopics({ topics: missing, waitForLeaders: true });
    logger.info({ topics: missing }, 'ensured topics');
  } finally {
    await admin.disconnect();
  }
}
