#!/usr/bin/env node
// The query API process: configuration, logger, stores, Kafka, HTTP. On SIGTERM or SIGINT it stops
// accepting, ends the live tail streams, answers the requests in flight, closes its clients and exits 0.
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type QueryApiConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { isPostgresJsClosedSocketWrite } from './postgres/pg-errors.js';
import { createServices } from './services.js';

function readConfig(): QueryApiConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`query-api: ${err.message}\n`);
    process.exit(1);
  }
}

const config = readConfig();
// JSON lines on stdout. Keys are never logged: the Authorization header is redacted should a request
// ever be logged with its headers, and a generated admin key is printed below, not through pino.
const logger = pino({ level: config.logLevel, base: { service: 'query-api', pid: process.pid }, redact: ['req.headers.authorization', 'headers.authorization'] });

process.on('unhandledRejection', (err) => {
  logger.fatal({ err }, 'unhandled rejection');
  process.exit(1);
});
process.on('uncaughtException', (err, origin) => {
  if (isPostgresJsClosedSocketWrite(err)) {
    logger.warn({ err }, 'postgres.js wrote to a closed connection (porsager/postgres#1154); the query on it fails');
    return;
  }
  logger.fatal({ err, origin }, 'uncaught exception');
  logger.flush();
  process.exit(1);
});

const services = createServices({
  config,
  logger,
  metrics: createMetrics({ processMetrics: true }),
  onGeneratedAdminKey: (key) => {
    // Shown once, in plain text, to whoever started the process; only its hash is stored.
    process.stdout.write(
      `\nNo admin API key existed, so one was created. It is shown only this once; keep it:\n\n  ${key}\n\n` +
        'Send it as "Authorization: Bearer <key>" (POST /api/keys creates more keys). Set LOGS_ADMIN_KEY to choose your own.\n\n',
    );
  },
});
const app = buildApp(services.deps);
const address = await app.listen({ host: config.host, port: config.port });
logger.info({ address, alias: config.elasticsearchAlias, schema: config.postgresSchema, topic: config.topic }, 'query API listening');

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, 'second signal while stopping; exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'stopping: no new requests, ending live tails, answering what is in flight');
  const deadline = setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  try {
    await app.close();
    await services.close();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  } catch (err) {
    logger.error({ err }, 'error while stopping');
    process.exit(1);
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
