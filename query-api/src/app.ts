// The query API as a Fastify instance, built from its dependencies and never listening by itself:
// main.ts listens, tests use inject() or listen on port 0.
import './fastify-types.js';
import { existsSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Authenticator } from './access/authenticator.js';
import type { KeyStore } from './access/key-store.js';
import { allows, type Access } from './access/keys.js';
import { BEARER_TOKEN, type QueryApiConfig } from './config.js';
import { QueryApiError, isQueryApiError, type ErrorItem } from './errors.js';
import type { QueryApiMetrics } from './metrics.js';
import { healthRoutes } from './routes/health.js';
import { histogramRoutes } from './routes/histogram.js';
import { keysRoutes } from './routes/keys.js';
import { metricsRoutes } from './routes/metrics.js';
import { searchRoutes } from './routes/search.js';
import { statsRoutes } from './routes/stats.js';
import { tailRoutes } from './routes/tail.js';
import { uiRoutes } from './routes/ui.js';
import type { LagReader } from './stats/lag.js';
import type { LogStore, StoreName } from './stores/contract.js';
import type { TailHub } from './tail/tail-hub.js';

export interface AppDeps {
  config: QueryApiConfig;
  logger: Logger;
  metrics: QueryApiMetrics;
  stores: Readonly<Record<StoreName, LogStore>>;
  keys: KeyStore;
  authenticator: Authenticator;
  tail: TailHub;
  lag: LagReader;
  /** Clock (epoch ms): relative from/to, the histogram's default range. */
  now: () => number;
  /** Folder of the web UI's static files; not served when absent. */
  uiDir?: string;
}

const BODY_LIMIT_BYTES = 64 * 1024;

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
}

/** Schema validation errors as one item per problem, named by parameter (or body field). */
function validationItems(errors: readonly AjvError[], context: string | undefined): ErrorItem[] {
  return errors.map((e) => {
    const path = (e.instancePath ?? '').split('/').filter(Boolean);
    const param = path[0] ?? e.params?.missingProperty ?? e.params?.additionalProperty ?? context ?? 'request';
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') message = `unknown ${context === 'body' ? 'field' : 'parameter'}`;
    else if (e.keyword === 'required') message = 'is required';
    else if (e.keyword === 'enum' && e.params?.allowedValues) message = `must be one of ${e.params.allowedValues.join(', ')}`;
    return { param: path.length > 1 ? path.join('/') : param, message };
  });
}

/** Fastify's own errors that a client can cause, as catalogue errors. */
function fromFastifyError(err: FastifyError): QueryApiError {
  if (err.validation) {
    const items = validationItems(err.validation as AjvError[], err.validationContext);
    const first = items[0];
    return new QueryApiError('QRY_INVALID_PARAMS', { ...(first ? { message: `${first.param}: ${first.message}${items.length > 1 ? ` (and ${items.length - 1} more)` : ''}` } : {}), items });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new QueryApiError('QRY_BODY_TOO_LARGE', { message: `request body is larger than ${BODY_LIMIT_BYTES} bytes` });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new QueryApiError('QRY_UNSUPPORTED_MEDIA_TYPE');
    default:
      // Any other 4xx from Fastify (bad JSON, bad Content-Length, …) is the client's doing.
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) return new QueryApiError('QRY_BAD_REQUEST', { message: err.message });
      return new QueryApiError('QRY_INTERNAL', { cause: err });
  }
}

/** The key of `Authorization: Bearer <key>`; undefined when there is no such header. */
function bearerKey(header: string | undefined): string | undefined | null {
  if (header === undefined || header.trim() === '') return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  // A header that is there but unusable is a bad key (401 QRY_INVALID_KEY), not a missing one.
  if (!m || m[1] === undefined || m[1].length > 512 || !BEARER_TOKEN.test(m[1])) return null;
  return m[1];
}

function accessOf(request: FastifyRequest): Access {
  const declared = request.routeOptions.config?.access;
  if (declared) return declared;
  // Undeclared: the UI's static files are public; anything under /api (an unknown route too) needs a key,
  // so a client without one learns nothing about what exists there.
  const path = request.url.split('?')[0] ?? '';
  return path === '/api' || path.startsWith('/api/') ? 'read' : 'public';
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { config, metrics, logger } = deps;
  // Widened to Fastify's logger type so the instance is a plain FastifyInstance for plugins and callers.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Requests are counted in metrics; a log line each would cost more than most searches.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: false,
    ajv: {
      // Unknown parameters are errors, not silently dropped (a typo like `levle=error` would widen a search);
      // every problem is reported at once.
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array' },
    },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('keyCheck', null);
  // Bodies (POST /api/keys) are JSON only; Fastify would also take text/plain and let validation fail.
  app.removeContentTypeParser('text/plain');

  let closing = false;
  const isClosing = (): boolean => closing;
  // Shutdown, in Fastify's order: preClose ends the live tail streams (they would hold server.close() open
  // forever), then the server stops taking requests and waits for those in flight.
  app.addHook('preClose', async () => {
    closing = true;
    deps.tail.dropAll('shutdown');
  });

  const sendError = (reply: FastifyReply, err: QueryApiError): FastifyReply => {
    if (err.retryable) reply.header('retry-after', '1');
    if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="logpipe"');
    return reply.code(err.statusCode).send(err.toBody());
  };

  app.addHook('onRequest', async (request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new QueryApiError('QRY_SHUTTING_DOWN');
    }
    const access = accessOf(request);
    if (access === 'public') return;
    const key = bearerKey(request.headers.authorization);
    try {
      if (key === undefined) throw new QueryApiError('QRY_MISSING_KEY');
      if (key === null) throw new QueryApiError('QRY_INVALID_KEY');
      const recalled = request.routeOptions.config?.overlapKeyCheck === true ? deps.authenticator.recall(key) : undefined;
      if (recalled && allows(recalled.principal.role, access)) {
        request.principal = recalled.principal;
        request.keyCheck = recalled.confirmed.catch((err: unknown) => {
          if (isQueryApiError(err)) metrics.authFailures.inc({ code: err.code });
          throw err;
        });
        // The route awaits it; this only keeps a rejection that comes before that from counting as unhandled.
        request.keyCheck.catch(() => {});
        return;
      }
      const principal = await deps.authenticator.authenticate(key);
      if (!allows(principal.role, access)) {
        throw new QueryApiError('QRY_FORBIDDEN', { message: `a key with role ${principal.role} cannot ${access === 'admin' ? 'manage keys' : 'read events'}` });
      }
      request.principal = principal;
    } catch (err) {
      if (isQueryApiError(err)) metrics.authFailures.inc({ code: err.code });
      throw err;
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((err: FastifyError | QueryApiError, request, reply) => {
    const apiErr = isQueryApiError(err) ? err : fromFastifyError(err);
    if (apiErr.code === 'QRY_INTERNAL') request.log.error({ err }, 'request failed');
    else if (apiErr.statusCode >= 500) request.log.warn({ code: apiErr.code, err: apiErr.cause ?? apiErr }, apiErr.message);
    return sendError(reply, apiErr);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, new QueryApiError('QRY_NOT_FOUND', { message: `no route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}` })));

  const reads = { stores: deps.stores, config, metrics, now: deps.now };
  app.register(healthRoutes, { stores: deps.stores, hub: deps.tail, probeTimeoutMs: config.readyProbeTimeoutMs, isClosing });
  app.register(metricsRoutes, { registry: metrics.registry });
  app.register(searchRoutes, reads);
  app.register(histogramRoutes, reads);
  app.register(tailRoutes, { hub: deps.tail, config, metrics, now: deps.now, isClosing });
  app.register(statsRoutes, { stores: deps.stores, lag: deps.lag, config, metrics });
  app.register(keysRoutes, { keys: deps.keys, authenticator: deps.authenticator });
  if (deps.uiDir !== undefined && existsSync(deps.uiDir)) app.register(uiRoutes, { root: deps.uiDir });
  metrics.setTailSubscribersSource(() => deps.tail.size);
  return app;
}
