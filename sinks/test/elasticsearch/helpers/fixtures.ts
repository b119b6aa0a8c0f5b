// Events, records and batches as the consumer loop hands them to a sink.
import { randomUUID } from 'node:crypto';
import type { LogEvent } from '@logpipe/schemas';
import pino from 'pino';
import type { SinkBatch, SinkContext, SinkRecord } from '../../../src/contract.js';

let offset = 0;

export function event(overrides: Partial<LogEvent> = {}): LogEvent {
  return {
    id: randomUUID(),
    level: 'info',
    message: 'GET /api/orders 200 in 12 ms',
    resourceId: 'checkout-service',
    timestamp: '2026-11-29T10:00:00.123Z',
    receivedAt: '2026-11-29T10:00:00.456Z',
    ...overrides,
  };
}

export function record(ev: LogEvent): SinkRecord {
  return { event: ev, topic: 'logs.v1', partition: 0, offset: String(offset++), raw: Buffer.from(JSON.stringify(ev)), headers: {} };
}

export function batch(events: LogEvent[]): SinkBatch {
  const records = events.map(record);
  const last = records.at(-1);
  return { topic: 'logs.v1', partition: 0, records, nextOffset: last ? String(Number(last.offset) + 1) : '0' };
}

/** A context whose logger writes nowhere (set LOG_LEVEL=debug to see it on stderr). */
export function context(): SinkContext {
  const level = process.env.LOG_LEVEL ?? 'silent';
  return { logger: pino({ level }, pino.destination(2)), now: () => new Date(), groupId: 'sink-elasticsearch' };
}
