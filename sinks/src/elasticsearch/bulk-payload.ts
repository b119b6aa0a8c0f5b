// Turns records into _bulk lines and groups them into bodies bounded by bytes. Pure: no I/O.
import { ID_ORDER_FIELDS, idOrderKeys, messageWordsText } from '@logpipe/schemas';
import type { Rejected, SinkRecord } from '../contract.js';
import { dailyIndexName } from './template.js';

/** One `create` operation: its two NDJSON lines, kept so that a retry re-sends exactly this item. */
export interface BulkItem {
  record: SinkRecord;
  /** Action line + '\n' + source line, without the final newline (the client adds it). */
  lines: string;
  /** UTF-8 bytes of `lines` plus the final newline: what the item adds to a body. */
  bytes: number;
}

/** Elasticsearch refuses an _id over 512 bytes; 128 characters are at most 512 UTF-8 bytes. */
const MAX_ID_CHARS = 128;

/**
 * The document the sink stores for an event: the event plus `words` (the query language's words of the
 * message) and the id as numbers (the sort's tie-breaker, schemas/src/id-order.ts), which the mapping keeps
 * out of _source. toBulkItem writes its JSON text without building it.
 */
export function elasticsearchDocument<E extends { readonly id?: unknown; readonly message?: unknown }>(event: E): E & Record<string, unknown> {
  const order = typeof event.id === 'string' ? idOrderKeys(event.id) : undefined;
  const [f0, f1, f2] = ID_ORDER_FIELDS;
  return { ...event, words: typeof event.message === 'string' ? messageWordsText(event.message) : '', ...(order ? { [f0]: order[0], [f1]: order[1], [f2]: order[2] } : {}) };
}

export function toBulkItem(record: SinkRecord, indexPrefix: string): BulkItem | Rejected {
  const { event } = record;
  // The schema guarantees a UUID; a broken id would corrupt the action line and fail the whole request.
  if (typeof event.id !== 'string' || event.id.length === 0 || event.id.length > MAX_ID_CHARS) {
    return { record, code: 'invalid_id', reason: `invalid_id: _id must be 1 to ${MAX_ID_CHARS} characters` };
  }
  const index = dailyIndexName(indexPrefix, event.timestamp);
  if (index === undefined) {
    return { record, code: 'invalid_timestamp', reason: `invalid_timestamp: no UTC day in timestamp ${JSON.stringify(event.timestamp)}` };
  }
  // `create`, not `index`: a redelivered event answers 409 instead of being written again. The index name is
  // built from a validated prefix and digits, so only the id needs escaping.
  // The source is JSON.stringify(elasticsearchDocument(event)) at a third less CPU: stringifying the decoded
  // event is cheaper than stringifying a spread copy, and neither `words` (messageWordsText) nor whole numbers
  // need escaping. They go last, after the event's own keys. Not for an event that has one of those keys
  // already (the spread keeps its place) or a toJSON (the spread drops an inherited one); no decoded LogEvent
  // has either.
  const plain = !Object.hasOwn(event, 'words') && !ID_ORDER_FIELDS.some((f) => Object.hasOwn(event, f)) && (event as { toJSON?: unknown }).toJSON === undefined;
  let source: string;
  if (plain) {
    const words = typeof event.message === 'string' ? messageWordsText(event.message) : '';
    const order = idOrderKeys(event.id);
    const [f0, f1, f2] = ID_ORDER_FIELDS;
    source = `${JSON.stringify(event).slice(0, -1)},"words":"${words}"${order ? `,"${f0}":${order[0]},"${f1}":${order[1]},"${f2}":${order[2]}` : ''}}`;
  } else {
    source = JSON.stringify(elasticsearchDocument(event));
  }
  const lines = `{"create":{"_index":"${index}","_id":${JSON.stringify(event.id)}}}\n${source}`;
  return { record, lines, bytes: Buffer.byteLength(lines) + 1 };
}

export const isBulkItem = (value: BulkItem | Rejected): value is BulkItem => 'lines' in value;

/**
 * The _bulk request body of `items`: each item's lines and a newline, as the client joins `operations`, but
 * written straight into UTF-8 bytes. The client sends a Buffer as it is; given strings, it would join them
 * into one string, count its bytes and have the socket encode it: three passes over each 5 MiB body.
 */
export function bulkRequestBody(items: readonly BulkItem[]): Buffer {
  let bytes = 0;
  for (const item of items) bytes += item.bytes;
  const body = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const item of items) {
    at += body.write(item.lines, at);
    body[at++] = 0x0a;
  }
  // `bytes` is Buffer.byteLength of the same strings, so this cannot happen; if it did, the body would end in
  // uninitialised memory, which must never be sent.
  if (at !== bytes) throw new RangeError(`bulk body is ${at} bytes, its items count ${bytes}`);
  return body;
}

/** Below this, a body is not split further to fill the request slots: per-request costs would dominate. */
export const MIN_SPLIT_BYTES = 512 * 1024;

/**
 * The body size for a batch of `totalBytes`: at most `maxBytes`, and spread so that every request slot gets
 * an equal share of each round. A 6 MiB batch with 5 MiB bodies and 2 slots goes as 2 x 3 MiB in parallel,
 * not 5 MiB then 1 MiB. (A batch usually is one Kafka partition's worth, often less than one full body.)
 */
export function bodyBytesFor(totalBytes: number, maxBytes: number, slots: number): number {
  const bodies = Math.max(1, Math.ceil(Math.ceil(totalBytes / maxBytes) / slots)) * slots;
  return Math.min(maxBytes, Math.max(MIN_SPLIT_BYTES, Math.ceil(totalBytes / bodies)));
}

/**
 * Items in bodies of at most `maxBytes` (an item larger than that alone goes alone, since it cannot be
 * split), in order. Lazy: a worker takes the next body when a request slot frees.
 */
export function* bulkBodies(items: Iterable<BulkItem>, maxBytes: number): Generator<BulkItem[]> {
  let body: BulkItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (body.length > 0 && bytes + item.bytes > maxBytes) {
      yield body;
      body = [];
      bytes = 0;
    }
    body.push(item);
    bytes += item.bytes;
  }
  if (body.length > 0) yield body;
}
