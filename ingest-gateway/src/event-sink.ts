// What the HTTP layer needs from Kafka, so tests can put anything behind it and the app never
// imports kafkajs itself.
import type { OutgoingRecord } from './record.js';

export interface EventSink {
  /** Produces the records; resolves only once the broker acknowledged every one (acks=all). */
  send(records: OutgoingRecord[]): Promise<void>;
  /** Whether the broker can take writes now (for /readyz). Never throws; answers in bounded time. */
  isReady(): Promise<boolean>;
}
