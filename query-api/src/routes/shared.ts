// Small pieces every read route uses. No business rules.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../access/keys.js';
import { QueryApiError } from '../errors.js';
import type { QueryApiMetrics } from '../metrics.js';
import type { StoreOutcome } from '../search/fan-out.js';

/** The request's principal; the access hook guarantees one on every non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new QueryApiError('QRY_INTERNAL', { message: 'internal error', cause: new Error('route without access control') });
  return request.principal;
}

/** Settles once the request's key is confirmed: at once, unless the route lets the lookup overlap its work. */
export function keyConfirmed(request: FastifyRequest): Promise<void> {
  return request.keyCheck ?? Promise.resolve();
}

/** Aborts when the client disconnects before its answer was sent, so the stores stop working for nobody. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function observeOutcomes<T>(metrics: QueryApiMetrics, kind: 'search' | 'histogram' | 'stats', outcomes: readonly StoreOutcome<T>[]): void {
  for (const o of outcomes) metrics.storeSeconds.observe({ store: o.store, kind, outcome: o.error ? o.error.kind : 'ok' }, o.tookMs / 1000);
}
