// A hit is the event as stored, with the same keys in the same order whichever store it came from, so
// a client (and a test) cannot tell the stores apart and the merge can de-duplicate by id alone. Pure.
import type { LogEvent } from '@logpipe/schemas';

/** The event's fields as a store hands them back; optional fields may be absent or null. */
export interface StoredFields {
  id: string;
  timestamp: string;
  receivedAt: string;
  level: string;
  message: string;
  resourceId: string;
  traceId?: string | null | undefined;
  spanId?: string | null | undefined;
  commit?: string | null | undefined;
  metadata?: Record<string, string | number | boolean> | null | undefined;
}

export function toHit(fields: StoredFields): LogEvent {
  // Only the event's own fields: anything a store keeps beside them (Elasticsearch's `words` should it
  // ever reach _source, PostgreSQL's generated parent_resource_id) never leaks into a hit.
  const hit: Record<string, unknown> = {
    id: fields.id,
    timestamp: fields.timestamp,
    receivedAt: fields.receivedAt,
    level: fields.level,
    message: fields.message,
    resourceId: fields.resourceId,
  };
  if (fields.traceId != null) hit.traceId = fields.traceId;
  if (fields.spanId != null) hit.spanId = fields.spanId;
  if (fields.commit != null) hit.commit = fields.commit;
  if (fields.metadata != null) hit.metadata = fields.metadata;
  return hit as LogEvent;
}
