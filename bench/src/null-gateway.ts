// The HTTP ceiling for the gateway bench: the real gateway app (same parsing, validation, batching and
// answers) in front of a sink that acknowledges at once instead of producing to Kafka.
import { buildApp, createMetrics, loadConfig, type EventSink } from '@logpipe/ingest-gateway';
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';

const nullSink: EventSink = {
  send: async () => {},
  isReady: async () => true,
};

const config = loadConfig();
const app = buildApp({
  producer: nullSink,
  logger: pino({ level: 'warn' }),
  now: () => new Date(),
  newId: randomUUID,
  config,
  metrics: createMetrics({ processMetrics: false }),
});
await app.listen({ host: config.host, port: config.port });
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
