// The dead-letter topic (design contract, section 2): a record the sink cannot store is published with
// its original bytes, key and headers, plus headers saying why and where it came from, and the batch is
// committed only once Kafka acknowledged it (acks=all). Nothing is dropped without a trace.
import type { Message, Producer } from 'kafkajs';

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers: Record<string, Buffer | undefined>;
  reason: string;
  /** Low-cardinality code (SINK_… or the store's own, e.g. pg_22P05). */
  code: string;
}

/** Headers added to every dead letter; a replay tool reads them, so they are part of the contract. */
export const DEAD_LETTER_HEADERS = {
  reason: 'reason',
  code: 'code',
  sourceTopic: 'source-topic',
  sourcePartition: 'source-partition',
  sourceOffset: 'source-offset',
  sink: 'sink',
} as const;

// A reason is for humans; Elasticsearch can answer with kilobytes of context. 4 KiB keeps the cause
// and keeps the dead letter far below the broker's message size limit.
const MAX_REASON_CHARS = 4096;

export function toDeadLetterMessage(letter: DeadLetter, sink: string): Message {
  const headers: Record<string, Buffer | string> = {};
  // The original headers first (the schema fingerprint lets a replay decode the value), ours over them.
  for (const [name, value] of Object.entries(letter.headers)) if (value !== undefined) headers[name] = value;
  headers[DEAD_LETTER_HEADERS.reason] = letter.reason.length > MAX_REASON_CHARS ? `${letter.reason.slice(0, MAX_REASON_CHARS)}…` : letter.reason;
  headers[DEAD_LETTER_HEADERS.code] = letter.code;
  headers[DEAD_LETTER_HEADERS.sourceTopic] = letter.topic;
  headers[DEAD_LETTER_HEADERS.sourcePartition] = String(letter.partition);
  headers[DEAD_LETTER_HEADERS.sourceOffset] = letter.offset;
  headers[DEAD_LETTER_HEADERS.sink] = sink;
  return { key: letter.key, value: letter.value, headers };
}

export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly sink: string,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves once every letter is acknowledged by all in-sync replicas; rejects otherwise. */
  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      timeout: this.timeoutMs,
      messages: letters.map((letter) => toDeadLetterMessage(letter, this.sink)),
    });
  }
}
