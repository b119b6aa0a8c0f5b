#!/usr/bin/env node
// The query API process: configuration, logger, stores, Kafka, HTTP. On SIGTERM or SIGINT it stops
// accepting, ends the live tail streams, answers the requests in flight, closes its clients and exits 0.
import { createServiceLogger, exitOnFatalErrors, isPostgresJsClosedSocketWrite, loadConfigOrExit, stopGracefully } from '@logpipe/runtime';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createMetrics } from './metrics.js';
import { createServices } from './services.js';

const config = loadConfigOrExit(loadConfig, ConfigError, 'query-api');
// A generated admin key is printed below, to stdout but not through the logger.
const logger = createServiceLogger('query-api', config.logLevel);
exitOnFatalErrors(logger, {
  matches: isPostgresJsClosedSocketWrite,
  message: 'postgres.js wrote to a closed connection (porsager/postgres#1154); the query on it fails',
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

stopGracefully({
  logger,
  message: 'stopping: no new requests, ending live tails, answering what is in flight',
  close: async () => {
    await app.close();
    await services.close();
  },
  timeoutMs: config.shutdownTimeoutMs,
});
