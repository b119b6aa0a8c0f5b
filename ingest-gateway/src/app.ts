// The gateway as a Fastify instance, built from its dependencies and never listening by itself:
// main.ts listens, tests use inject() or listen on port 0.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { Batcher } from './batcher.js';
import { ACCEPTED_MEDIA_TYPES } from './body-parser.js';
import type { GatewayConfig } from './config.js';
import { GatewayError, isGatewayError } from './errors.js';
import type { EventSink } from './event-sink.js';
import type { GatewayMetrics } from './metrics.js';
import type { OutgoingRecord } from './record.js';
import { healthRoutes } from './routes/health.js';
import { logsRoutes } from './routes/logs.js';
import { metricsRoutes } from './routes/metrics.js';

export interface AppDeps {
  producer: EventSink;
  logger: Logger;
  /** Clock for receivedAt. */
  now: () => Date;
  /** Id for events that bring none (UUIDv7 in production). */
  newId: () => string;
  config: GatewayConfig;
  metrics: GatewayMetrics;
}

/** Fastify's own errors that a client can cause, as catalogue errors. */
function fromFastifyError(err: FastifyError, request: FastifyRequest, config: GatewayConfig): GatewayError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('GW_BODY_TOO_LARGE', { message: `request body is larger than the limit of ${config.bodyLimitBytes} bytes; split it into several requests` });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', {
        message: `content type ${JSON.stringify((request.headers['content-type'] ?? '(none)').slice(0, 100))} is not accepted; send ${ACCEPTED_MEDIA_TYPES.join(' or ')} (UTF-8)`,
      });
    default:
      // Any other 4xx from Fastify (bad Content-Length, aborted body, ...) is the client's doing.
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return new GatewayError('GW_BAD_REQUEST', { message: err.message });
      }
      return new GatewayError('GW_INTERNAL', { cause: err });
  }
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config, metrics, logger } = deps;
  // Widened to Fastify's logger type so the instance is a plain FastifyInstance for plugins and callers.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // One log line per request would cost more than the request at 10k req/s; errors are logged below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Node's default lets a client that stops sending mid-body hold its connection for 5 minutes.
    requestTimeout: config.requestTimeoutMs,
    // While closing, this app answers in its own error format (onRequest hook below), not Fastify's.
    return503OnClosing: false,
  });

  const batcher = new Batcher<OutgoingRecord>({
    lingerMs: config.lingerMs,
    maxBatchEvents: config.maxBatchEvents,
    maxBatchBytes: config.maxBatchBytes,
    maxBatchesInFlight: config.maxBatchesInFlight,
    maxPendingBytes: config.maxInFlightBytes,
    send: (records) => deps.producer.send(records),
    onBatchSettled: ({ events, bytes, durationMs, error }) => {
      metrics.produceSeconds.observe({ outcome: error === undefined ? 'ok' : 'error' }, durationMs / 1000);
      metrics.batchEvents.observe(events);
      metrics.batchBytes.observe(bytes);
      if (error !== undefined) logger.warn({ err: error, events, bytes }, 'batch not acknowledged by Kafka; its requests answered 503');
    },
  });
  metrics.setInFlightBytesSource(() => batcher.pendingBytes);

  // Shutdown, in Fastify's order: preClose (stop lingering; answers say the connection closes), then the
  // server stops and waits for every request in flight, then onClose waits until the batcher has
  // nothing pending. main.ts disconnects the producer after that, so no acknowledged event is lost.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    batcher.drain();
  });
  app.addHook('onClose', async () => {
    await batcher.close();
  });
  // A request already past this point when closing starts is served; one that arrives later on a
  // kept-alive connection is refused in the gateway's format (return503OnClosing is off for that).
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new GatewayError('GW_SHUTTING_DOWN');
    }
  });
  // Without this, a client's kept-alive connection would hold server.close() open until Fastify's
  // keepAliveTimeout (72 s), well after the last answer.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const sendError = (reply: FastifyReply, err: GatewayError) => {
    metrics.rejectedRequests.inc({ code: err.code });
    if (err.retryable) reply.header('retry-after', String(config.retryAfterSeconds));
    return reply.code(err.statusCode).send(err.toBody());
  };

  app.setErrorHandler((err: FastifyError | GatewayError, request, reply) => {
    const gwErr = isGatewayError(err) ? err : fromFastifyError(err, request, config);
    if (gwErr.code === 'GW_INTERNAL') request.log.error({ err }, 'request failed');
    return sendError(reply, gwErr);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new GatewayError('GW_NOT_FOUND', { message: `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}` })));

  const normalizeContext = { now: deps.now, newId: deps.newId };
  app.register(logsRoutes, { batcher, config, metrics, normalizeContext });
  app.register(healthRoutes, { sink: deps.producer, isClosing: () => closing });
  app.register(metricsRoutes, { registry: metrics.registry });
  return app;
}
