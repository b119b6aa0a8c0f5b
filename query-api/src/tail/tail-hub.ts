// The live tail's one Kafka consumer per process (design contract, section 6: GET /api/tail). It joins a
// consumer group of its own (so it reads every partition), starts at the end of the topic, never commits
// (nothing to resume: a tail shows what arrives from now on), decodes each record once and hands it to
// every subscriber whose predicate matches. Subscribers share the consumer: a thousand tails cost one
// Kafka consumer, not a thousand.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type EventCodec, type LogEvent } from '@logpipe/schemas';
import type { Consumer, IHeaders, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { QueryApiMetrics } from '../metrics.js';
import type { DropReason } from './sse.js';

/** What the hub needs of a subscriber (tail/sse.ts SseSubscriber). */
export interface TailSubscriber {
  readonly predicate: (event: LogEvent) => boolean;
  readonly open: boolean;
  deliver(event: LogEvent): void;
  drop(reason: DropReason): void;
}

export interface TailHubOptions {
  kafka: Kafka;
  topic: string;
  /** Group id of this process's consumer; see tailGroupId(). */
  groupId: string;
  logger: Logger;
  metrics: QueryApiMetrics;
  codec?: EventCodec;
  /** Wait before building a new consumer after one stopped for good. */
  restartDelayMs?: number;
}

/** A group of this process alone: `<prefix>-<host>-<pid>-<random>`, so processes never split partitions. */
export function tailGroupId(prefix: string): string {
  return `${prefix}-${hostname().replace(/[^\w.-]/g, '_').slice(0, 60)}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

const headerValue = (headers: IHeaders | undefined): string | Buffer | undefined => {
  const value = headers?.[SCHEMA_FINGERPRINT_HEADER];
  return Array.isArray(value) ? value[0] : value;
};

export class TailHub {
  readonly #options: TailHubOptions;
  readonly #codec: EventCodec;
  readonly #subscribers = new Set<TailSubscriber>();
  #consumer: Consumer | undefined;
  #consuming = false;
  /** Whether the group ever existed (so close() has one to delete). */
  #joined = false;
  #closed = false;
  #stopCurrent: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: TailHubOptions) {
    this.#options = options;
    this.#codec = options.codec ?? eventCodec;
  }

  /** True once the consumer fetches from its partitions: events produced from now on reach subscribers. */
  get consuming(): boolean {
    return this.#consuming;
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Starts consuming in the background; a consumer that stops for good is replaced until close(). */
  start(): void {
    this.#loop ??= this.#run();
  }

  add(subscriber: TailSubscriber): void {
    this.#subscribers.add(subscriber);
  }

  remove(subscriber: TailSubscriber): void {
    this.#subscribers.delete(subscriber);
  }

  /** Hands a record's value to the matching subscribers; a record that does not decode is skipped. */
  dispatchRecord(value: Buffer | null, fingerprint: string | Buffer | undefined): void {
    if (this.#subscribers.size === 0 || value === null) return;
    let event: LogEvent;
    try {
      event = this.#codec.decode(value, fingerprint);
    } catch (err) {
      this.#options.metrics.tailUndecodable.inc();
      this.#options.logger.debug({ err }, 'live tail skipped a record it cannot decode');
      return;
    }
    this.dispatch(event);
  }

  dispatch(event: LogEvent): void {
    for (const subscriber of this.#subscribers) {
      if (!subscriber.open) continue;
      let matches: boolean;
      try {
        matches = subscriber.predicate(event);
      } catch (err) {
        this.#options.logger.error({ err }, 'live tail predicate failed; the event is not sent to that subscriber');
        continue;
      }
      if (matches) {
        subscriber.deliver(event);
        this.#options.metrics.tailDelivered.inc();
      }
    }
  }

  /** Ends every stream with a last event saying why. */
  dropAll(reason: DropReason): void {
    for (const subscriber of [...this.#subscribers]) subscriber.drop(reason);
    this.#subscribers.clear();
  }

  /** Ends every stream (with a last event saying the server stops) and leaves the group. */
  async close(): Promise<void> {
    this.#closed = true;
    this.dropAll('shutdown');
    this.#stopCurrent?.();
    // Also interrupts a consumer still connecting to an unreachable broker; kafkajs may still be between
    // connection retries, which a shutdown does not wait out.
    await this.#consumer?.disconnect().catch(() => {});
    await Promise.race([this.#loop, sleep(5000, undefined, { ref: false })]);
    if (this.#joined) await this.#deleteGroup();
  }

  /**
   * The group has no offsets and no members left, but the broker would list it for days (every restart
   * makes a new one): delete it. Best effort and bounded; a broker that is gone keeps it.
   */
  async #deleteGroup(): Promise<void> {
    const admin = this.#options.kafka.admin();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 3000);
    });
    const work = (async () => {
      await admin.connect();
      await admin.deleteGroups([this.#options.groupId]);
    })().catch((err: unknown) => this.#options.logger.debug({ err }, 'live tail group not deleted'));
    await Promise.race([work, late]);
    clearTimeout(timer);
    await admin.disconnect().catch(() => {});
  }

  async #run(): Promise<void> {
    const { kafka, topic, groupId, logger, metrics } = this.#options;
    while (!this.#closed) {
      const consumer = kafka.consumer({
        groupId,
        // A tail is about now: the broker answers a fetch as soon as there is one record, or after 100 ms.
        maxWaitTimeInMs: 100,
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        allowAutoTopicCreation: false,
      });
      this.#consumer = consumer;
      const stopped = new Promise<void>((resolve) => {
        this.#stopCurrent = resolve;
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          this.#consuming = false;
          logger.warn({ err: payload.error, restart: payload.restart }, 'live tail consumer crashed');
          if (!payload.restart) resolve();
        });
      });
      // FETCH_START comes after the group is joined and each partition's position is resolved (to the end of
      // the topic: no committed offsets, fromBeginning false).
      consumer.on(consumer.events.FETCH_START, () => {
        if (!this.#consuming) logger.info({ topic, groupId }, 'live tail consuming');
        this.#consuming = true;
        this.#joined = true;
      });
      consumer.on(consumer.events.REBALANCING, () => {
        this.#consuming = false;
      });
      consumer.on(consumer.events.DISCONNECT, () => {
        this.#consuming = false;
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [topic], fromBeginning: false });
        await consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: 1,
          eachBatch: async ({ batch, heartbeat }) => {
            metrics.tailConsumed.inc(batch.messages.length);
            for (const message of batch.messages) this.dispatchRecord(message.value, headerValue(message.headers));
            await heartbeat();
          },
        });
        await stopped;
      } catch (err) {
        if (!this.#closed) logger.warn({ err, topic }, 'live tail consumer could not start; retrying');
      }
      this.#consuming = false;
      await consumer.disconnect().catch(() => {});
      if (!this.#closed) await sleep(this.#options.restartDelayMs ?? 2000);
    }
  }
}
