// GET /api/tail: Server-Sent Events of new events matching the filters, live from Kafka through the
// process's one shared consumer (tail/tail-hub.ts), filtered by the language's JS predicate with the key's
// scope AND-ed on, like every other read.
import { compilePredicate } from '@logpipe/schemas';
import type { FastifyInstance } from 'fastify';
import type { QueryApiConfig } from '../config.js';
import { QueryApiError } from '../errors.js';
import type { QueryApiMetrics } from '../metrics.js';
import { TailQuerystring, toSearchParams } from '../search/params.js';
import { scopedQuery } from '../search/query-ast.js';
import { SseSubscriber } from '../tail/sse.js';
import type { TailHub } from '../tail/tail-hub.js';
import { principalOf } from './shared.js';

export interface TailRouteOptions {
  hub: TailHub;
  config: QueryApiConfig;
  metrics: QueryApiMetrics;
  now: () => number;
  isClosing: () => boolean;
}

export async function tailRoutes(app: FastifyInstance, opts: TailRouteOptions): Promise<void> {
  const { hub, config, metrics } = opts;

  app.get<{ Querystring: TailQuerystring }>('/api/tail', { schema: { querystring: TailQuerystring }, config: { access: 'read' } }, async (request, reply) => {
    // Everything that can fail does so before the stream starts, as an ordinary JSON error.
    const ast = scopedQuery(toSearchParams(request.query), principalOf(request).resourcePatterns, opts.now());
    const predicate = compilePredicate(ast);
    if (opts.isClosing()) throw new QueryApiError('QRY_SHUTTING_DOWN');
    if (!hub.consuming) throw new QueryApiError('QRY_TAIL_UNAVAILABLE');
    if (hub.size >= config.tailMaxSubscribers) throw new QueryApiError('QRY_TOO_MANY_SUBSCRIBERS', { message: `this process already serves ${hub.size} live tails (QUERY_TAIL_MAX_SUBSCRIBERS)` });

    // From here the stream is ours, not Fastify's: it stays open until the client leaves or is dropped.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    metrics.requests.inc({ route: '/api/tail', status: '200' });
    const keyId = request.principal?.keyId;
    // Runs first after tailHeartbeatMs (≥ 100 ms), when `subscriber` exists.
    const heartbeat = setInterval(() => subscriber.heartbeat(new Date(opts.now())), config.tailHeartbeatMs);
    heartbeat.unref();
    const subscriber = new SseSubscriber(res, {
      predicate,
      maxBufferedBytes: config.tailMaxBufferedBytes,
      onClose: (reason) => {
        hub.remove(subscriber);
        clearInterval(heartbeat);
        if (reason !== 'client') {
          metrics.tailDropped.inc({ reason });
          request.log.info({ reason, keyId }, 'live tail stream ended by the server');
        }
      },
    });
    hub.add(subscriber);
    subscriber.start(new Date(opts.now()));
    res.on('close', () => subscriber.closed());
  });
}
