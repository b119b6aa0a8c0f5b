// Shared test fixtures for the HTTP layer: configuration, an in-memory sink, a captured logger and a
// valid event. No Kafka here (see ./kafka.ts).
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { eventCodec, type LogEvent } from '@logpipe/schemas';
import { buildApp, type AppDeps } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config.js';
import type { EventSink } from '../../src/event-sink.js';
import { createMetrics } from '../../src/metrics.js';
import type { OutgoingRecord } from '../../src/record.js';

export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return { ...loadConfig({}), lingerMs: 1, ...overrides };
}

/** A sink that records what it is sent; `behaviour` decides how each send ends. */
export class MemorySink implements EventSink {
  readonly batches: OutgoingRecord[][] = [];
  ready = true;
  behaviour: (records: OutgoingRecord[]) => Promise<void> = async () => {};

  async send(records: OutgoingRecord[]): Promise<void> {
    this.batches.push(records);
    await this.behaviour(records);
  }

  async isReady(): Promise<boolean> {
    return this.ready;
  }

  get records(): OutgoingRecord[] {
    return this.batches.flat();
  }

  /** The events as a consumer would read them back. */
  get events(): LogEvent[] {
    return this.records.map((r) => eventCodec.decode(r.value, eventCodec.fingerprint));
  }
}

/** A pino logger whose output the test can read. */
export function capturedLogger(): { logger: Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines: () => chunks.join('') };
}

export const FIXED_NOW = new Date('2024-05-01T12:00:00.123Z');

export function testApp(options: { config?: Partial<GatewayConfig>; sink?: MemorySink; logger?: Logger } = {}) {
  const sink = options.sink ?? new MemorySink();
  let n = 0;
  const deps: AppDeps = {
    producer: sink,
    logger: options.logger ?? pino({ level: 'silent' }),
    now: () => FIXED_NOW,
    newId: () => `0190a000-0000-7000-8000-${String(++n).padStart(12, '0')}`,
    config: testConfig(options.config),
    metrics: createMetrics(),
  };
  return { app: buildApp(deps), sink, deps };
}

let seq = 0;
/** A valid client event; fields can be overridden or removed (undefined). */
export function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  const base: Record<string, unknown> = {
    level: 'info',
    message: `event ${seq}`,
    resourceId: `svc-${seq % 7}`,
    timestamp: '2024-05-01T11:59:59.5+02:00',
    ...overrides,
  };
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return base;
}

export const ndjson = (events: unknown[]): string => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;
