// POST /logs: one event, a JSON array of events, or NDJSON. The body is read as raw bytes so this
// route, not Fastify's JSON parser, decides how bad input is reported (UTF-8, JSON position, NDJSON
// line), and it answers 202 only once Kafka acknowledged every event (design contract, section 4).
import type { FastifyInstance } from 'fastify';
import type { NormalizeContext } from '@logpipe/schemas';
import type { Batcher } from '../batcher.js';
import { ACCEPTED_MEDIA_TYPES, bodyFormat, parseBody } from '../body-parser.js';
import type { GatewayConfig } from '../config.js';
import { GatewayError, isGatewayError } from '../errors.js';
import type { GatewayMetrics } from '../metrics.js';
import { encodeRecord, type OutgoingRecord } from '../record.js';
import { validateEvents } from '../validate-events.js';

export interface LogsRouteOptions {
  batcher: Batcher<OutgoingRecord>;
  config: GatewayConfig;
  metrics: GatewayMetrics;
  normalizeContext: NormalizeContext;
}

const acceptedSchema = {
  type: 'object',
  required: ['accepted', 'ids'],
  properties: { accepted: { type: 'integer' }, ids: { type: 'array', items: { type: 'string' } } },
} as const;

export async function logsRoutes(app: FastifyInstance, opts: LogsRouteOptions): Promise<void> {
  const { batcher, config, metrics, normalizeContext } = opts;

  // Only these two media types reach the handler; Fastify answers any other with FST_ERR_CTP_INVALID_MEDIA_TYPE,
  // which app.ts turns into GW_UNSUPPORTED_MEDIA_TYPE. bodyLimit makes Fastify stop reading at the limit (413).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser([...ACCEPTED_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: config.bodyLimitBytes }, (_request, body, done) => {
    done(null, body);
  });

  app.post('/logs', { schema: { response: { 202: acceptedSchema } } }, async (request, reply) => {
    const contentType = request.headers['content-type'];
    const format = bodyFormat(contentType);
    if (format === undefined) {
      throw new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', {
        message: `content type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)} is not accepted; send ${ACCEPTED_MEDIA_TYPES.join(' or ')} (UTF-8)`,
      });
    }
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      throw new GatewayError('GW_UNSUPPORTED_MEDIA_TYPE', { message: `content encoding ${JSON.stringify(encoding)} is not accepted; send the body uncompressed` });
    }
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const parsed = parseBody(body, format, config.maxEventsPerRequest);
    const events = validateEvents(parsed, normalizeContext, config);
    const records = events.map(encodeRecord);
    const ids = events.map((e) => e.id);
    try {
      await batcher.submit(records, { timeoutMs: config.produceTimeoutMs });
    } catch (err) {
      // Hand the ids back on a retryable failure: some events may be in Kafka already, and a retry
      // that reuses them is stored once.
      if (isGatewayError(err) && err.retryable && err.code !== 'GW_OVERLOADED') {
        throw new GatewayError(err.code, { message: err.message, ids, cause: err.cause });
      }
      throw err;
    }
    metrics.acceptedEvents.inc(events.length);
    return reply.code(202).send({ accepted: events.length, ids });
  });
}
