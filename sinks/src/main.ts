#!/usr/bin/env node
// Entry of one sink process: `SINK=postgres|elasticsearch node sinks/dist/main.js`. Reads the config,
// builds the sink, serves /healthz /readyz /metrics, runs the consumer loop; SIGTERM/SIGINT drain it
// (the in-flight write and its commit finish) and the process exits 0.
import { createKafka, createServiceLogger, exitOnFatalErrors, isPostgresJsClosedSocketWrite, loadConfigOrExit, stopGracefully } from '@logpipe/runtime';
import { ConfigError, loadConfig } from './config.js';
import type { Sink } from './contract.js';
import { ConsumerLoop } from './consumer-loop.js';
import { buildHttpServer } from './http-server.js';
import { createSinkMetrics } from './metrics.js';
import { SINK_BUILDERS } from './sink-registry.js';

const config = loadConfigOrExit(loadConfig, ConfigError);
const logger = createServiceLogger(`sink-${config.sink}`, config.logLevel);
// One known driver bug is survivable (see isPostgresJsClosedSocketWrite); anything else ends the
// process as Node would, after the log line is out.
exitOnFatalErrors(logger, {
  matches: isPostgresJsClosedSocketWrite,
  message: 'postgres.js wrote to a closed connection (porsager/postgres#1154); the batch is delivered again',
});
const metrics = createSinkMetrics({ sink: config.sink, processMetrics: true });
let sink: Sink | undefined;
let loop: ConsumerLoop | undefined;
const app = buildHttpServer({
  registry: metrics.registry,
  isConsuming: () => loop?.isConsuming() ?? false,
  storeHealthy: () => sink?.healthcheck() ?? Promise.resolve(false),
});

const shutdown = stopGracefully({
  logger,
  message: 'shutting down',
  close: async () => {
    await loop?.stop();
    await sink?.close();
    await app.close();
  },
  // The loop bounds its own drain (SINK_SHUTDOWN_TIMEOUT_MS); this bound only catches a hung close.
  timeoutMs: config.shutdownTimeoutMs + 10_000,
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
      void shutdown('consumer crashed');
    },
  });
  await loop.start();
  logger.info('consuming');
} catch (err) {
  // A supervisor restarts the process; retrying here would hide a wrong address or a refused schema.
  logger.fatal({ err }, 'could not start');
  await shutdown('start failed');
}
