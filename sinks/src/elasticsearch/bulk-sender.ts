// Sends one _bulk body and keeps re-sending the items that failed transiently until each one is created,
// already there, or refused for good — or the retry budget is spent. The only module here that calls _bulk.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Logger } from 'pino';
import type { Rejected } from '../contract.js';
import type { LogThrottle } from '../log-throttle.js';
import { bulkRequestBody, type BulkItem } from './bulk-payload.js';
import { BULK_FILTER_PATH, type BulkResponseBody, classifyBulkResponse } from './bulk-response.js';
import { EsSinkError } from './errors.js';
import type { Limiter } from './limiter.js';
import { isRetriable, RetryBudget, type RetryPolicy } from './retry.js';

/** What one write() has achieved so far; its bodies add to it concurrently. */
export interface WriteTally {
  created: number;
  duplicates: number;
  /** Items re-sent (one item sent three times counts two). */
  retried: number;
  rejected: Rejected[];
  bulkRequests: number;
}

export interface BulkSenderDeps {
  client: Client;
  limiter: Limiter;
  retry: RetryPolicy;
  logger: Logger;
  /** Shared by every write of the sink: the "retrying" warning at most once per interval. */
  retryLog: LogThrottle;
  /** Aborted by close() or by another body's failure: no new attempt starts and backoff waits end at once. */
  signal: AbortSignal;
}

export async function sendBulkBody(deps: BulkSenderDeps, body: BulkItem[], tally: WriteTally): Promise<void> {
  const budget = new RetryBudget(deps.retry);
  let pending = body;
  for (;;) {
    if (deps.signal.aborted) throw new EsSinkError('SINK_ES_CLOSED');
    let failure: unknown;
    let response: BulkResponseBody | undefined;
    try {
      tally.bulkRequests += 1;
      // filter_path narrows the response to BulkResponseBody; the client's type describes the full one.
      // `operations` is the ready NDJSON body (bulkRequestBody), which the client's transport sends as it is.
      response = (await deps.limiter.run(() =>
        deps.client.bulk({
          operations: bulkRequestBody(pending) as unknown as estypes.BulkRequest['operations'],
          filter_path: BULK_FILTER_PATH,
          // Parse errors would otherwise quote the document in the reason; the DLQ keeps the original bytes.
          include_source_on_error: false,
        }),
      )) as unknown as BulkResponseBody;
    } catch (err) {
      if (!isRetriable(err)) throw new EsSinkError('SINK_ES_REQUEST_REFUSED', errorText(err), { cause: err });
      failure = err;
    }

    let retryReason: string;
    if (response === undefined) {
      retryReason = errorText(failure);
    } else {
      let outcome;
      try {
        outcome = classifyBulkResponse(pending, response);
      } catch (err) {
        throw new EsSinkError('SINK_ES_BAD_RESPONSE', errorText(err), { cause: err });
      }
      tally.created += outcome.created;
      tally.duplicates += outcome.duplicates;
      tally.rejected.push(...outcome.rejected);
      const refused = outcome.refused[0];
      if (refused) throw new EsSinkError('SINK_ES_ITEM_REFUSED', `status ${refused.status}, ${refused.reason}`);
      if (outcome.retry.length === 0) return;
      pending = outcome.retry;
      retryReason = outcome.lastRetryReason ?? 'retriable item status';
    }

    const delay = budget.nextDelayMs();
    if (delay === undefined) {
      throw new EsSinkError('SINK_ES_UNAVAILABLE', `${pending.length} documents not stored after retries; last error: ${retryReason}`, { cause: failure });
    }
    tally.retried += pending.length;
    deps.retryLog.run((suppressedRetries) =>
      deps.logger.warn({ code: 'SINK_ES_RETRY', stage: 'sending', documents: pending.length, delayMs: delay, reason: retryReason, suppressedRetries }, 'retrying bulk documents'),
    );
    try {
      await sleep(delay, undefined, { signal: deps.signal });
    } catch {
      throw new EsSinkError('SINK_ES_CLOSED');
    }
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
