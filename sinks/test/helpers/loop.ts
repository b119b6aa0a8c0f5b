// A consumer loop on test topics, with short waits and backoffs, stopped in teardown.
import type { Kafka } from 'kafkajs';
import type { Sink } from '../../src/contract.js';
import { ConsumerLoop, type ConsumerLoopConfig } from '../../src/consumer-loop.js';
import { createSinkMetrics, type SinkMetrics } from '../../src/metrics.js';
import { testLogger } from './events.js';
import type { TestTopics } from './kafka.js';

export function loopConfig(names: TestTopics, overrides: Partial<ConsumerLoopConfig> = {}): ConsumerLoopConfig {
  return {
    groupId: names.groupId,
    topic: names.topic,
    topicPartitions: 3,
    dlqTopic: names.dlqTopic,
    dlqTopicPartitions: 1,
    maxBatchRecords: 1000,
    maxBatchBytes: 1024 * 1024,
    batchMaxWaitMs: 100,
    partitionsConcurrency: 1,
    retryInitialMs: 50,
    retryMaxMs: 200,
    kafkaSessionTimeoutMs: 10_000,
    kafkaHeartbeatIntervalMs: 1000,
    kafkaRequestTimeoutMs: 10_000,
    shutdownTimeoutMs: 15_000,
    ...overrides,
  };
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

export async function startLoop(
  t: Teardown,
  kafka: Kafka,
  sink: Sink,
  config: ConsumerLoopConfig,
  sinkName = 'test',
): Promise<{ loop: ConsumerLoop; metrics: SinkMetrics }> {
  const metrics = createSinkMetrics({ sink: sinkName });
  const loop = new ConsumerLoop({ kafka, sink, sinkName, config, logger: testLogger(), metrics });
  t.teardown(() => loop.stop());
  await loop.start();
  return { loop, metrics };
}
