// Reads a _bulk response item by item. Pure: says what happened to each item, decides nothing about timing.
import type { Rejected } from '../contract.js';
import type { BulkItem } from './bulk-payload.js';
import { isRetriable } from './retry.js';

/** Only what the sink asks for with `filter_path` (see BULK_FILTER_PATH). */
export interface BulkItemError {
  type?: string;
  reason?: string | null;
  caused_by?: { type?: string; reason?: string | null };
}
export interface BulkResponseBody {
  errors: boolean;
  items?: Array<Record<string, { status: number; error?: BulkItemError } | undefined>>;
}

/** Keeps a 12,000-item response small to send and parse: the sink only needs each item's status and error. */
export const BULK_FILTER_PATH = [
  'errors',
  'items.*.status',
  'items.*.error.type',
  'items.*.error.reason',
  'items.*.error.caused_by.type',
  'items.*.error.caused_by.reason',
];

export interface BulkOutcome {
  /** Newly created. */
  created: number;
  /** Already stored (409 on `create`): a redelivery, which counts as stored. */
  duplicates: number;
  /** 429 / 5xx: to be sent again. */
  retry: BulkItem[];
  /** 400: the document itself is unstorable (mapping, parsing, strict mapping, field limits). */
  rejected: Rejected[];
  /** Any other status: not the document's fault and not transient (index block, missing index, auth). */
  refused: { item: BulkItem; status: number; reason: string }[];
  /** The last retriable error seen, for the log and for the error when retries run out. */
  lastRetryReason?: string;
}

/** Reasons travel in a DLQ header and in logs; parse errors quote the field's value, so cap them. */
export const MAX_REASON_CHARS = 1_000;

export function describeError(error: BulkItemError | undefined, status: number): { code: string; reason: string } {
  const code = error?.type ?? `http_${status}`;
  let reason = `${code}: ${error?.reason ?? 'no reason given'}`;
  if (error?.caused_by?.type) reason += ` (caused by ${error.caused_by.type}: ${error.caused_by.reason ?? ''})`;
  if (reason.length > MAX_REASON_CHARS) reason = `${reason.slice(0, MAX_REASON_CHARS - 1)}…`;
  return { code, reason };
}

/** Items of the response are in the order of the request (the _bulk API guarantees it). */
export function classifyBulkResponse(items: readonly BulkItem[], body: BulkResponseBody): BulkOutcome {
  const outcome: BulkOutcome = { created: 0, duplicates: 0, retry: [], rejected: [], refused: [] };
  // The common case: nothing to look at item by item.
  if (!body.errors) {
    outcome.created = items.length;
    return outcome;
  }
  const results = body.items ?? [];
  if (results.length !== items.length) {
    throw new RangeError(`bulk response has ${results.length} items for ${items.length} operations`);
  }
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const result = results[i]?.create;
    const status = result?.status ?? 0;
    if (status >= 200 && status < 300) outcome.created += 1;
    else if (status === 409) outcome.duplicates += 1;
    else if (isRetriable(status)) {
      outcome.retry.push(item);
      outcome.lastRetryReason = describeError(result?.error, status).reason;
    } else if (status === 400) {
      outcome.rejected.push({ record: item.record, ...describeError(result?.error, status) });
    } else {
      outcome.refused.push({ item, status, reason: describeError(result?.error, status).reason });
    }
  }
  return outcome;
}
