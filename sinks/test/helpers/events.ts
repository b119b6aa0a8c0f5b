// Events, records and batches as the consumer loop hands them to a sink, encoded with the real codec.
import { randomUUID } from 'node:crypto';
import { eventCodec, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import { pino, type Logger } from 'pino';
import type { SinkBatch, SinkContext, SinkRecord } from '../../src/contract.js';

export function makeEvent(overrides: Partial<LogEvent> = {}): LogEvent {
  const now = new Date();
  return {
    id: randomUUID(),
    level: 'info',
    message: 'GET /api/orders 200 in 12 ms',
    resourceId: 'checkout-service',
    timestamp: now.toISOString(),
    receivedAt: now.toISOString(),
    ...overrides,
  };
}

export function makeRecord(event: LogEvent, offset: number, partition = 0, topic = 'logs.v1'): SinkRecord {
  return {
    event,
    topic,
    partition,
    offset: String(offset),
    raw: eventCodec.encode(event),
    headers: { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) },
  };
}

export function makeBatch(events: LogEvent[], firstOffset = 0, partition = 0, topic = 'logs.v1'): SinkBatch {
  const records = events.map((e, i) => makeRecord(e, firstOffset + i, partition, topic));
  return { topic, partition, records, nextOffset: String(firstOffset + events.length) };
}

/** Silent unless LOG_LEVEL says otherwise (then on stderr). */
export function testLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2));
}

export function testContext(groupId = 'sink-postgres'): SinkContext {
  return { logger: testLogger(), now: () => new Date(), groupId };
}

export const uniqueSuffix = (): string => `${Date.now().toString(36)}_${randomUUID().slice(0, 8)}`;
