// kafkajs plumbing the services share: its log lines go through pino, one way to make a client from the
// config, and creating topics on a cluster that may still be electing their leaders. No business rules.
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaClientConfig {
  kafkaBrokers: string[];
  kafkaClientId: string;
  kafkaConnectionTimeoutMs: number;
  kafkaRequestTimeoutMs: number;
}

/** kafkajs's `logCreator`: its entries as pino lines of a `component: kafkajs` child. */
export function kafkaLogCreator(logger: Logger): logCreator {
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

/** A client logging warnings and errors through `logger`. */
export function createKafka(config: KafkaClientConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.kafkaClientId,
    brokers: config.kafkaBrokers,
    connectionTimeout: config.kafkaConnectionTimeoutMs,
    requestTimeout: config.kafkaRequestTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(logger),
  });
}

/** How long createMissingTopics keeps retrying errors the broker calls retriable. */
const CREATE_TOPICS_DEADLINE_MS = 30_000;

/**
 * Creates those of `topics` that do not exist yet (an existing topic keeps its own settings) and answers
 * which were missing; they all exist once it resolves, made by this call or by a process racing it. The
 * broker does not auto-create topics, and any service may start first. Right after a create, a KRaft
 * broker may still answer "does not host this topic-partition" to the metadata request that waits for
 * leaders; that error is retriable, so it is retried until the deadline rather than failing a start on a
 * fresh cluster. `admin` is connected and stays so.
 */
export async function createMissingTopics(admin: Admin, topics: ITopicConfig[], logger: Logger, deadlineMs = CREATE_TOPICS_DEADLINE_MS): Promise<ITopicConfig[]> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      // createTopics answers false when another process created them first; either way they exist now.
      if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
      return missing;
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() >= deadline) throw err;
      logger.warn({ err, attempt }, 'topics not ready yet; retrying');
      await sleep(Math.min(2000, 200 * attempt));
    }
  }
}
