#!/usr/bin/env node
// The gateway process: configuration, logger, Kafka, HTTP. On SIGTERM or SIGINT it stops accepting,
// answers every request in flight, sends everything queued to Kafka, disconnects and exits 0.
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type GatewayConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { KafkaSink } from './producer.js';

function readConfig(): GatewayConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ingest-gateway: ${err.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
// JSON lines on stdout. Event bodies are never logged (nothing logs a request body), and the
// Authorization header is redacted should a request ever be logged with its headers.
const logger = pino({ level: config.logLevel, base: { service: 'ingest-gateway', pid: process.pid }, redact: ['req.headers.authorization', 'headers.authorization'] });

process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});

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

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal while stopping; exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: no new requests, flushing what is in flight');
  // Bounded: a broker that never answers must not keep the process alive forever; requests still
  // waiting then were not answered 202, so nothing acknowledged is lost by exiting.
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  try {
    await app.close(); // server closed, in-flight requests answered, batcher flushed (onClose)
    await sink.close();
    logger.info('stopped');
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'error while stopping');
    process.exit(1);
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
