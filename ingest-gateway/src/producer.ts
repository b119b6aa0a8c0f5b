// The Kafka side of the gateway: one kafkajs producer writing records to the logs topic, an admin
// client that creates the topic at start and answers readiness probes. No business rules here.
import { createMissingTopics, kafkaLogCreator } from '@logpipe/runtime';
import { Kafka, logLevel, type Admin, type ISocketFactory, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { EventSink } from './event-sink.js';
import { KeyedPartitioner } from './partitioner.js';
import { RECORD_HEADERS, type OutgoingRecord } from './record.js';

export type KafkaSinkConfig = Pick<
  GatewayConfig,
  'kafkaBrokers' | 'kafkaClientId' | 'kafkaConnectionTimeoutMs' | 'kafkaRequestTimeoutMs' | 'kafkaRetries' | 'topic' | 'topicPartitions' | 'readyProbeTimeoutMs'
>;

export interface KafkaSinkOptions {
  config: KafkaSinkConfig;
  logger: Logger;
  /** Replaces kafkajs's TCP socket factory (tests use it to cut the broker off without stopping it). */
  socketFactory?: ISocketFactory;
}

// A successful produce this recent proves the broker reachable without probing it again.
const RECENT_SEND_MS = 5000;

export class KafkaSink implements EventSink {
  readonly #config: KafkaSinkConfig;
  readonly #logger: Logger;
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  #probeAdmin: Admin | undefined;
  #probe: Promise<boolean> | undefined;
  #lastSendOkAt = Number.NEGATIVE_INFINITY;
  #lastSendFailedAt = Number.NEGATIVE_INFINITY;
  /** Start times of the produce calls awaiting an answer: one waiting long means trouble before it fails. */
  readonly #pending = new Set<{ startedAt: number }>();

  constructor({ config, logger, socketFactory }: KafkaSinkOptions) {
    this.#config = config;
    this.#logger = logger;
    this.#kafka = new Kafka({
      clientId: config.kafkaClientId,
      brokers: config.kafkaBrokers,
      connectionTimeout: config.kafkaConnectionTimeoutMs,
      requestTimeout: config.kafkaRequestTimeoutMs,
      // Also bounds connecting and metadata requests, so an absent broker fails start() in seconds.
      retry: { retries: config.kafkaRetries },
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(logger),
      ...(socketFactory === undefined ? {} : { socketFactory }),
    });
    this.#producer = this.#kafka.producer({
      // murmur2(key) mod partitions, as the Java client does for keyed records, so an event lands in
      // the partition a Java (or librdkafka murmur2_random) producer would pick for its resourceId.
      // KeyedPartitioner answers exactly as kafkajs's DefaultPartitioner, without its per-record
      // 64-bit Long arithmetic and partition filtering (src/partitioner.ts; a test holds them equal).
      createPartitioner: KeyedPartitioner,
      allowAutoTopicCreation: false,
      // Not idempotent, on purpose. Kafka 4.1 accepts kafkajs's idempotent producer (test/producer.test.ts
      // proves it), but kafkajs implements it by (1) serialising every produce request to a broker behind
      // one mutex, which removes the pipelining the batcher relies on, and (2) rolling a partition's
      // sequence number back when a request fails or times out even though the broker may have written
      // it; the next batch then reuses that sequence and the broker may discard it as a duplicate while
      // acknowledging it: a 202 for events that are not in Kafka. Plain acks=all with retries can only
      // duplicate records, which is harmless because every event has a stable id and every store writes
      // by id. maxInFlightRequests stays unbounded too (the batcher already bounds the batches in
      // flight). Batches leave in order on one connection per broker, which Kafka appends in order, so a
      // resource's events keep their order; only a retried batch can land after a later one. Per-key
      // order across requests is not promised by the contract; consumers order by timestamp and id.
      idempotent: false,
      retry: { retries: config.kafkaRetries },
    });
  }

  /** Connects the producer and makes sure the topic exists. Throws if Kafka cannot be reached. */
  async start(): Promise<void> {
    await this.#producer.connect();
    await this.#ensureTopic();
  }

  async #ensureTopic(): Promise<void> {
    const { topic, topicPartitions } = this.#config;
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const created = await createMissingTopics(admin, [{ topic, numPartitions: topicPartitions }], this.#logger);
      if (created.length > 0) {
        this.#logger.info({ topic, partitions: topicPartitions }, 'created topic');
        return;
      }
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = metadata.topics[0]?.partitions.length ?? 0;
      if (partitions !== topicPartitions) {
        this.#logger.warn({ topic, partitions, configured: topicPartitions }, 'topic exists with another partition count; keeping it');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    const messages = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      messages[i] = { key: r.key, value: r.value, headers: RECORD_HEADERS };
    }
    const pending = { startedAt: performance.now() };
    this.#pending.add(pending);
    try {
      const results = await this.#producer.sendBatch({
        topicMessages: [{ topic: this.#config.topic, messages }],
        // acks=all: the 202 promise (design contract, section 4). timeout bounds the broker's wait
        // for in-sync replicas; half the request timeout, so the broker answers (with an error if
        // replicas are slow) before the client gives the request up.
        acks: -1,
        timeout: Math.floor(this.#config.kafkaRequestTimeoutMs / 2),
      });
      // kafkajs throws on partition errors; this guards the promise itself rather than trusting it.
      const failed = results.find((r) => r.errorCode !== 0);
      if (failed) throw new Error(`partition ${failed.partition} answered error code ${failed.errorCode}`);
      this.#lastSendOkAt = performance.now();
    } catch (err) {
      this.#lastSendFailedAt = performance.now();
      throw err;
    } finally {
      this.#pending.delete(pending);
    }
  }

  /** A produce succeeded lately, none failed since, and none has been waiting for long. */
  #recentlyHealthy(now: number): boolean {
    if (now - this.#lastSendOkAt >= RECENT_SEND_MS || this.#lastSendFailedAt > this.#lastSendOkAt) return false;
    for (const { startedAt } of this.#pending) if (now - startedAt > this.#config.readyProbeTimeoutMs) return false;
    return true;
  }

  async isReady(): Promise<boolean> {
    if (this.#recentlyHealthy(performance.now())) return true;
    // One probe at a time: /readyz polled by many clients must not open a request per poll.
    this.#probe ??= this.#runProbe().finally(() => {
      this.#probe = undefined;
    });
    return this.#probe;
  }

  async #runProbe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.#config.readyProbeTimeoutMs);
    });
    const probe = (async () => {
      // No retries: a probe answers now; the next poll is the retry.
      this.#probeAdmin ??= this.#kafka.admin({ retry: { retries: 0 } });
      await this.#probeAdmin.connect();
      const metadata = await this.#probeAdmin.fetchTopicMetadata({ topics: [this.#config.topic] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
    })().catch(() => false);
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#producer.disconnect(), this.#probeAdmin?.disconnect()]);
  }
}
