// The one consumer loop both sinks share (house style rule 7). It owns Kafka: it decodes, slices each
// partition's fetch into SinkBatches, calls sink.write(), dead-letters what cannot be stored, and commits
// an offset only after the store confirmed everything before it.
//
// Delivery, in kafkajs terms (autoCommit and eachBatchAutoResolve both off, so nothing moves by itself):
// - a slice is resolved and its offset committed only after write() resolved and its dead letters were
//   acknowledged by Kafka; a failed write leaves both where they were;
// - after a failure the partition is seeked back to the slice's first offset and paused for a backoff
//   (exponential, capped, jittered); when the timer resumes it, the next fetch delivers the same records
//   again. Nothing sleeps inside eachBatch, so heartbeats and the other partitions keep going, and no
//   error is thrown at kafkajs, whose own retrier would crash and restart the consumer (a rebalance)
//   after a few failures;
// - on every assignment, a sink that keeps its offsets in its own store (sink.storedOffsets) is asked
//   where each partition resumes, before the first write of that partition; a fetch that started
//   elsewhere is dropped and the partition seeked there. The offsets in the store are written in the same
//   transaction as the rows, so they are the truth; Kafka's committed offsets only lag behind them.
//
// Batching by time: the broker holds each fetch up to SINK_BATCH_MAX_WAIT_MS until it has enough bytes
// (fetch minBytes), so a quiet topic gives small, prompt batches and a busy one full batches. Records are
// not accumulated across fetches: kafkajs fetches the next records only after the previous ones were
// resolved, and resolving before the store confirmed would need a second, shadow offset bookkeeping.
import { createMissingTopics } from '@logpipe/runtime';
import { Partitioners, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffDelayMs } from './backoff.js';
import type { SinkConfig } from './config.js';
import type { Sink, SinkBatch, SinkRecord, WriteResult } from './contract.js';
import { DeadLetterPublisher, type DeadLetter } from './dead-letter.js';
import { decodeMessage, type EventDecoder } from './decode.js';
import { SinkError } from './errors.js';
import type { SinkMetrics } from './metrics.js';
import { sliceBySize } from './slice.js';

export type ConsumerLoopConfig = Pick<
  SinkConfig,
  | 'groupId'
  | 'topic'
  | 'topicPartitions'
  | 'dlqTopic'
  | 'dlqTopicPartitions'
  | 'maxBatchRecords'
  | 'maxBatchBytes'
  | 'batchMaxWaitMs'
  | 'partitionsConcurrency'
  | 'retryInitialMs'
  | 'retryMaxMs'
  | 'kafkaSessionTimeoutMs'
  | 'kafkaHeartbeatIntervalMs'
  | 'kafkaRequestTimeoutMs'
  | 'shutdownTimeoutMs'
>;

export interface ConsumerLoopOptions {
  kafka: Kafka;
  sink: Sink;
  /** Written in each dead letter's `sink` header. */
  sinkName: string;
  config: ConsumerLoopConfig;
  logger: Logger;
  metrics: SinkMetrics;
  decoder?: EventDecoder;
  random?: () => number;
  /** kafkajs gave up and will not restart the consumer: the process should exit so a supervisor restarts it. */
  onFatal?: (err: Error) => void;
}

const MiB = 1024 * 1024;
const NO_WRITE: WriteResult = { stored: 0, rejected: [], retried: 0 };

// Bytes a record costs in a batch: its value dominates; key and headers are small and bounded.
const messageBytes = (m: KafkaMessage): number => (m.value?.length ?? 0) + (m.key?.length ?? 0) + 64;

const partitionKey = (topic: string, partition: number) => `${topic}|${partition}`;

export class ConsumerLoop {
  readonly #kafka: Kafka;
  readonly #sink: Sink;
  readonly #config: ConsumerLoopConfig;
  readonly #logger: Logger;
  readonly #metrics: SinkMetrics;
  readonly #decoder: EventDecoder | undefined;
  readonly #random: () => number;
  readonly #onFatal: ((err: Error) => void) | undefined;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #deadLetters: DeadLetterPublisher;

  /** Partitions of the current assignment, by key, whose resume point must be read from the sink first. */
  readonly #resumeChecks = new Set<string>();
  /** Consecutive failures per partition (the backoff's attempt number); cleared by a success. */
  readonly #failures = new Map<string, number>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  #assigned: number[] = [];
  #joined = false;
  #stopping = false;
  #stopped: Promise<void> | undefined;

  constructor(options: ConsumerLoopOptions) {
    this.#kafka = options.kafka;
    this.#sink = options.sink;
    this.#config = options.config;
    this.#logger = options.logger.child({ component: 'consumer-loop', group: options.config.groupId });
    this.#metrics = options.metrics;
    this.#decoder = options.decoder;
    this.#random = options.random ?? Math.random;
    this.#onFatal = options.onFatal;
    const c = options.config;
    this.#consumer = this.#kafka.consumer({
      groupId: c.groupId,
      sessionTimeout: c.kafkaSessionTimeoutMs,
      heartbeatInterval: c.kafkaHeartbeatIntervalMs,
      maxWaitTimeInMs: c.batchMaxWaitMs,
      // The broker answers a fetch once it has this much (or the wait is over): bigger batches under load.
      minBytes: Math.min(c.maxBatchBytes, MiB),
      maxBytesPerPartition: c.maxBatchBytes,
      maxBytes: Math.max(10 * MiB, c.maxBatchBytes * c.partitionsConcurrency),
      allowAutoTopicCreation: false,
    });
    // Named, so kafkajs does not warn at every start that its default changed in v2: dead letters keep the
    // original key, and any stable partitioner of it will do.
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false, idempotent: false, createPartitioner: Partitioners.DefaultPartitioner });
    this.#deadLetters = new DeadLetterPublisher(this.#producer, c.dlqTopic, options.sinkName, c.kafkaRequestTimeoutMs);
    this.#listen();
  }

  /** True between joining the group and stopping (or a crash): what /readyz reports for Kafka. */
  isConsuming(): boolean {
    return this.#joined && !this.#stopping;
  }

  /** The broker does not auto-create topics, and a sink may start before the gateway created the logs topic. */
  async #ensureTopics(): Promise<void> {
    const c = this.#config;
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const topics = [
        { topic: c.topic, numPartitions: c.topicPartitions },
        { topic: c.dlqTopic, numPartitions: c.dlqTopicPartitions },
      ];
      const missing = await createMissingTopics(admin, topics, this.#logger);
      if (missing.length > 0) this.#logger.info({ topics: missing }, 'ensured topics');
    } finally {
      await admin.disconnect();
    }
  }

  /** Creates missing topics, connects, joins the group; resolves once the first assignment is known. */
  async start(): Promise<void> {
    const c = this.#config;
    await this.#ensureTopics();
    await this.#producer.connect();
    await this.#consumer.connect();
    // A new group starts at the beginning of the topic: every event already in Kafka reaches the store.
    await this.#consumer.subscribe({ topics: [c.topic], fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: c.partitionsConcurrency,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  /**
   * Stops fetching, lets the in-flight write and its commit finish (between slices the loop checks
   * isRunning()), leaves the group and disconnects. Bounded by SINK_SHUTDOWN_TIMEOUT_MS. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#drain();
    return this.#stopped;
  }

  async #drain(): Promise<void> {
    this.#stopping = true;
    for (const timer of this.#retryTimers.values()) clearTimeout(timer);
    this.#retryTimers.clear();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#config.shutdownTimeoutMs);
    });
    // The producer stays connected until the consumer is drained: the last slice may have dead letters.
    const drained = (async () => {
      await this.#consumer.disconnect();
      await this.#producer.disconnect();
      return 'drained' as const;
    })();
    try {
      if ((await Promise.race([drained, timeout])) === 'timeout') {
        this.#logger.error({ code: 'SINK_SHUTDOWN_TIMEOUT' }, new SinkError('SINK_SHUTDOWN_TIMEOUT').message);
        await Promise.allSettled([this.#producer.disconnect()]);
      }
    } finally {
      clearTimeout(timer);
      this.#joined = false;
    }
  }

  #listen(): void {
    const { events } = this.#consumer;
    this.#consumer.on(events.GROUP_JOIN, ({ payload }) => {
      // Emitted synchronously inside kafkajs's join, before the first fetch of the new generation, so the
      // resume checks below are in place before any batch of these partitions can reach eachBatch.
      const partitions = payload.memberAssignment[this.#config.topic] ?? [];
      this.#onAssignment(partitions);
      this.#joined = true;
      this.#logger.info({ partitions, memberId: payload.memberId }, 'joined the group');
    });
    this.#consumer.on(events.CRASH, ({ payload }) => {
      this.#joined = false;
      this.#logger.error({ err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !this.#stopping) this.#onFatal?.(payload.error);
    });
    this.#consumer.on(events.STOP, () => {
      this.#joined = false;
    });
  }

  #onAssignment(partitions: number[]): void {
    const topic = this.#config.topic;
    const kept = new Set(partitions);
    for (const partition of this.#assigned) {
      if (kept.has(partition)) continue;
      const key = partitionKey(topic, partition);
      const timer = this.#retryTimers.get(key);
      if (timer) clearTimeout(timer);
      this.#retryTimers.delete(key);
      this.#failures.delete(key);
      this.#metrics.lag.remove({ topic, partition: String(partition) });
    }
    this.#assigned = partitions;
    this.#resumeChecks.clear();
    if (this.#sink.storedOffsets) for (const partition of partitions) this.#resumeChecks.add(partitionKey(topic, partition));
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    const first = batch.messages[0];
    if (!first) return;
    this.#setLag(topic, partition, batch.highWatermark, first.offset);

    if (this.#resumeChecks.has(key)) {
      const resumeAt = await this.#resumePoint(payload);
      if (resumeAt === 'retry') return;
      if (resumeAt !== undefined && BigInt(resumeAt) > BigInt(batch.highWatermark)) {
        // The store is ahead of the log: the topic was deleted and created again (or truncated). Its
        // offsets would make the sink skip every new record below them, so nothing moves until an
        // operator resets them (sink_offsets for PostgreSQL); the check runs again after each backoff.
        this.#logger.error({ topic, partition, resumeAt, highWatermark: batch.highWatermark, code: 'SINK_OFFSETS_AHEAD' }, new SinkError('SINK_OFFSETS_AHEAD').message);
        this.#retryLater(payload, first.offset);
        return;
      }
      this.#resumeChecks.delete(key);
      // kafkajs fetched from `fetchedOffset` (set on its Batch, absent from its types); the first message
      // may be later than it (compaction, transaction markers), never earlier.
      const fetchedFrom = (batch as { fetchedOffset?: string }).fetchedOffset ?? first.offset;
      if (resumeAt !== undefined && resumeAt !== fetchedFrom) {
        this.#logger.info({ topic, partition, fetchedFrom, resumeAt }, 'resuming at the offset stored by the sink');
        this.#consumer.seek({ topic, partition, offset: resumeAt });
        // Kafka's committed offset follows the store's, so lag seen from Kafka (tools, /api/stats) is true
        // even before the next write. Safe either way: everything before resumeAt is in the store.
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: resumeAt }] }] });
        return;
      }
    }

    const slices = sliceBySize(batch.messages, messageBytes, { maxRecords: this.#config.maxBatchRecords, maxBytes: this.#config.maxBatchBytes });
    for (const slice of slices) {
      // A stopping consumer finishes the slice in flight, not the whole fetch; a seek makes the rest stale.
      if (!isRunning() || isStale()) return;
      const last = slice[slice.length - 1]!;
      const nextOffset = (BigInt(last.offset) + 1n).toString();
      const stored = await this.#storeSlice(topic, partition, slice, nextOffset, heartbeat);
      if (!stored) {
        this.#retryLater(payload, slice[0]!.offset);
        return;
      }
      this.#failures.delete(key);
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset }] }] });
      this.#setLag(topic, partition, batch.highWatermark, nextOffset);
      await heartbeat();
    }
  }

  #setLag(topic: string, partition: number, highWatermark: string, nextOffset: string): void {
    const lag = BigInt(highWatermark) - BigInt(nextOffset);
    this.#metrics.lag.set({ topic, partition: String(partition) }, Number(lag > 0n ? lag : 0n));
  }

  /** The sink's stored offset for this partition (undefined: none), or 'retry' after scheduling a retry. */
  async #resumePoint(payload: EachBatchPayload): Promise<string | undefined | 'retry'> {
    const { topic, partition } = payload.batch;
    try {
      const offsets = await this.#sink.storedOffsets!(topic, [partition]);
      return offsets.get(partition);
    } catch (err) {
      this.#logger.warn({ err, topic, partition, code: 'SINK_OFFSETS_FAILED' }, 'could not read the offsets stored by the sink');
      this.#retryLater(payload, payload.batch.messages[0]!.offset);
      return 'retry';
    }
  }

  /** Decodes, writes and dead-letters one slice. True once all of it is stored or acknowledged in the DLQ. */
  async #storeSlice(topic: string, partition: number, slice: KafkaMessage[], nextOffset: string, heartbeat: () => Promise<void>): Promise<boolean> {
    const records: SinkRecord[] = [];
    const letters: DeadLetter[] = [];
    for (const message of slice) {
      const decoded = decodeMessage(topic, partition, message, this.#decoder);
      if (decoded.ok) records.push(decoded.record);
      else letters.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers: decoded.headers, reason: decoded.reason, code: decoded.code });
    }
    this.#metrics.consumed.inc(slice.length);
    const sinkBatch: SinkBatch = { topic, partition, records, nextOffset };

    let result = NO_WRITE;
    // A sink that stores offsets also hears of a slice that held only dead letters, so its resume
    // point moves past them; other sinks are not called for nothing.
    if (records.length > 0 || this.#sink.storedOffsets) {
      const startedAt = performance.now();
      try {
        result = await this.#withHeartbeats(this.#sink.write(sinkBatch), heartbeat);
        this.#metrics.writeSeconds.observe({ outcome: 'ok' }, (performance.now() - startedAt) / 1000);
      } catch (err) {
        this.#metrics.writeSeconds.observe({ outcome: 'error' }, (performance.now() - startedAt) / 1000);
        this.#logger.warn({ err, topic, partition, offset: slice[0]!.offset, records: records.length, code: 'SINK_WRITE_FAILED' }, 'write failed');
        return false;
      }
      this.#metrics.batchRecords.observe(records.length);
      this.#metrics.stored.inc(result.stored);
      if (result.retried > 0) this.#metrics.retried.inc({ scope: 'write' }, result.retried);
    }

    for (const { record, reason, code } of result.rejected) {
      // The key is the event's resourceId by the wire contract (section 2), so it is rebuilt, not stored.
      letters.push({ topic, partition, offset: record.offset, key: record.event.resourceId, value: record.raw, headers: record.headers, reason, code });
    }
    if (letters.length > 0) {
      try {
        await this.#deadLetters.publish(letters);
      } catch (err) {
        this.#logger.warn({ err, topic, partition, letters: letters.length, code: 'SINK_DEAD_LETTER_FAILED' }, 'dead letters not acknowledged');
        return false;
      }
      for (const letter of letters) {
        this.#metrics.deadLettered.inc({ code: letter.code });
        this.#logger.warn({ topic, partition, offset: letter.offset, code: letter.code, reason: letter.reason }, 'record sent to the dead-letter topic');
      }
    }
    return true;
  }

  /**
   * kafkajs only heartbeats when asked to; a write longer than the session timeout (a store retrying
   * inside write()) would otherwise cost the partitions. kafkajs rate-limits and shares heartbeat calls.
   */
  async #withHeartbeats<T>(work: Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    const timer = setInterval(() => {
      // A failed heartbeat (a rebalance) is not this write's business: the commit after it will fail
      // and kafkajs rejoins; the stored rows are safe either way.
      heartbeat().catch((err: unknown) => this.#logger.debug({ err }, 'heartbeat during write failed'));
    }, this.#config.kafkaHeartbeatIntervalMs);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** Keeps the partition where it was: seek back to `offset`, pause it, resume after a backoff. */
  #retryLater(payload: EachBatchPayload, offset: string): void {
    const { topic, partition } = payload.batch;
    const key = partitionKey(topic, partition);
    const attempt = this.#failures.get(key) ?? 0;
    this.#failures.set(key, attempt + 1);
    this.#metrics.retried.inc({ scope: 'batch' });
    this.#consumer.seek({ topic, partition, offset });
    if (this.#stopping) return;
    const delayMs = backoffDelayMs(attempt, { initialMs: this.#config.retryInitialMs, maxMs: this.#config.retryMaxMs }, this.#random);
    const resume = payload.pause();
    const previous = this.#retryTimers.get(key);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.#retryTimers.delete(key);
      resume();
    }, delayMs);
    timer.unref();
    this.#retryTimers.set(key, timer);
    this.#logger.info({ topic, partition, offset, attempt: attempt + 1, delayMs }, 'delivering the batch again after a backoff');
  }
}
