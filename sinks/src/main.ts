#!/usr/bin/env node
// Entry of one sink process: `SINK=postgres|elasticsearch node sinks/dist/main.js`. Reads the config,
// builds the sink, serves /healthz /readyz /metrics, runs the consumer loop; SIGTERM/SIGINT drain it
// (the in-flight write and its commit finish) and the process exits 0.
import { pino } from 'pino';
import { ConfigError, loadConfig, type SinkConfig } from './config.js';
import type { Sink } from './contract.js';
import { ConsumerLoop } from './consumer-loop.js';
import { buildHttpServer } from './http-server.js';
import { createKafka } from './kafka-client.js';
import { createSinkMetrics } from './metrics.js';
import { isPostgresJsClosedSocketWrite } from './postgres/pg-errors.js';
import { SINK_BUILDERS } from './sink-registry.js';

function readConfig(): SinkConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
const logger = pino({ level: config.logLevel, base: { service: `sink-${config.sink}`, pid: process.pid } });
const metrics = createSinkMetrics({ sink: config.sink, processMetrics: true });
let sink: Sink | undefined;
let loop: ConsumerLoop | undefined;
const app = buildHttpServer({
  registry: metrics.registry,
  isConsuming: () => loop?.isConsuming() ?? false,
  storeHealthy: () => sink?.healthcheck() ?? Promise.resolve(false),
});

let closing: Promise<void> | undefined;
function shutdown(code: number, reason: string): Promise<void> {
  closing ??= (async () => {
    logger.info({ reason }, 'shutting down');
    // The loop bounds its own drain (SINK_SHUTDOWN_TIMEOUT_MS); this guard only catches a hung close.
    const guard = setTimeout(() => {
      logger.error({ code: 'SINK_SHUTDOWN_TIMEOUT' }, 'shutdown did not finish; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000);
    guard.unref();
    let exitCode = code;
    try {
      await loop?.stop();
      await sink?.close();
      await app.close();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      exitCode = 1;
    }
    logger.info({ exitCode }, 'stopped');
    logger.flush();
    process.exit(exitCode);
  })();
  return closing;
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0, signal));
// One known driver bug is survivable (see isPostgresJsClosedSocketWrite); anything else ends the
// process as Node would, after the log line is out.
process.on('uncaughtException', (err, origin) => {
  if (isPostgresJsClosedSocketWrite(err)) {
    logger.warn({ err }, 'postgres.js wrote to a closed connection (porsager/postgres#1154); the batch is delivered again');
    return;
  }
  logger.fatal({ err, origin }, 'uncaught exception');
  logger.flush();
  process.exit(1);
});

// Listening first: /healthz answers while the store and Kafka are still being reached.
const address = await app.listen({ host: config.host, port: config.port });
logger.info({ sink: config.sink, group: config.groupId, topic: config.topic, address }, 'sink starting');
try {
  sink = await SINK_BUILDERS[config.sink]({ logger, now: () => new Date(), groupId: config.groupId, metrics }, config);
  loop = new ConsumerLoop({
    kafka: createKafka(config, logger),
    sink,
    sinkName: config.sink,
    config,
    logger,
    metrics,
    onFatal: (err) => {
      logger.fatal({ err }, 'the Kafka consumer stopped for good');
      void shutdown(1, 'consumer crashed');
    },
  });
  await loop.start();
  logger.info('consuming');
} catch (err) {
  // A supervisor restarts the process; retrying here would hide a wrong address or a refused schema.
  logger.fatal({ err }, 'could not start');
  await shutdown(1, 'start failed');
}
