// The one contract every sink implements (design contract, section 2; house style rule 7).
// The shared consumer loop owns Kafka: it decodes, batches, calls write(), and commits offsets only
// after write() resolved. A sink owns its store and nothing else.
import type { LogEvent } from '@logpipe/schemas';
import type { Logger } from 'pino';
import type { SinkMetrics } from './metrics.js';

/** One decoded event and where it came from, so a sink can dead-letter it with its original bytes. */
export interface SinkRecord {
  event: LogEvent;
  topic: string;
  partition: number;
  offset: string;
  /** The Kafka value exactly as consumed (Avro), for the dead-letter topic. */
  raw: Buffer;
  headers: Record<string, Buffer | undefined>;
}

/** Records of one partition, in offset order. */
export interface SinkBatch {
  topic: string;
  partition: number;
  records: SinkRecord[];
  /** Offset of the last record + 1: what the group commits once the batch is stored. */
  nextOffset: string;
}

/** A record the store refused for good (mapping conflict, invalid value): it goes to the DLQ with the reason. */
export interface Rejected {
  record: SinkRecord;
  reason: string;
  /** Low-cardinality code for metrics, e.g. 'mapper_parsing_exception'. */
  code: string;
}

export interface WriteResult {
  /** Records now in the store, including those it already had (a redelivery is a success). */
  stored: number;
  rejected: Rejected[];
  /** Attempts that were retried inside write() (429, 5xx, connection loss). */
  retried: number;
}

export interface Sink {
  /**
   * Stores the batch. Resolves only when every record is either stored or in `rejected`; rejects when the
   * store is unavailable — then the loop keeps the offset where it was and delivers the batch again.
   */
  write(batch: SinkBatch): Promise<WriteResult>;
  /**
   * For sinks that keep their offsets in their own store (PostgreSQL): where to resume each assigned
   * partition, or undefined to use the group's committed offset.
   */
  storedOffsets?(topic: string, partitions: number[]): Promise<Map<number, string>>;
  healthcheck(): Promise<boolean>;
  close(): Promise<void>;
}

export interface SinkContext {
  logger: Logger;
  now: () => Date;
  /** The consumer group; sinks that store offsets key them by it. */
  groupId: string;
  /** The process's metrics, for what only the sink sees (retention); absent in tests that need none. */
  metrics?: SinkMetrics;
}

export type BuildSink = (ctx: SinkContext) => Promise<Sink>;
