#!/usr/bin/env node
// The gateway process: configuration, logger, Kafka, HTTP. On SIGTERM or SIGINT it stops accepting,
// answers every request in flight, sends everything queued to Kafka, disconnects and exits 0.
import { createServiceLogger, exitOnFatalErrors, loadConfigOrExit, stopGracefully } from '@logpipe/runtime';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { KafkaSink } from './producer.js';

const config = loadConfigOrExit(loadConfig, ConfigError, 'ingest-gateway');
const logger = createServiceLogger('ingest-gateway', config.logLevel);
exitOnFatalErrors(logger);

const sink = new KafkaSink({ config, logger });
try {
  await sink.start();
} catch (err) {
  logger.fatal({ err, brokers: config.kafkaBrokers }, 'cannot reach Kafka or create the topic; exiting');
  await sink.close();
  process.exit(1);
}

const app = buildApp({ producer: sink, logger, now: () => new Date(), newId: uuidv7, config, metrics: createMetrics({ processMetrics: true }) });
const address = await app.listen({ host: config.host, port: config.port });
logger.info({ address, topic: config.topic, brokers: config.kafkaBrokers }, 'ingest gateway listening');

stopGracefully({
  logger,
  message: 'stopping: no new requests, flushing what is in flight',
  close: async () => {
    await app.close(); // server closed, in-flight requests answered, batcher flushed (onClose)
    await sink.close();
  },
  timeoutMs: config.shutdownTimeoutMs,
});
