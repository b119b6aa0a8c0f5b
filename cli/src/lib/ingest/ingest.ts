// Reads items, cuts them into batches (by count and by bytes, under the gateway's request limits), keeps
// a few batches in flight at once, and sums up what was accepted and rejected. The first fatal error
// stops reading; batches already in flight finish first, so their outcome is counted.
import { deliverBatch, withId, type DeliverOptions, type Rejection } from './deliver.js';
import type { InputItem } from './input.js';

export interface IngestOptions extends DeliverOptions {
  items: AsyncIterable<InputItem>;
  batchEvents: number;
  batchBytes: number;
  concurrency: number;
  now: () => number;
  /** Called after every batch, for a progress display. */
  onBatch?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  read: number;
  accepted: number;
  rejected: number;
  /** Input bytes of the events that are through (accepted or rejected). */
  doneBytes: number;
}

export interface IngestSummary {
  /** Events read from the input (non-blank lines, or array items). */
  read: number;
  accepted: number;
  rejected: number;
  /** Every rejected event with its line (NDJSON) or index (JSON array) and the gateway's reasons, in input order. */
  rejections: Rejection[];
  requests: number;
  retries: number;
  durationMs: number;
}

/** Thrown when the run stopped early; carries what got in before it did. */
export class IngestStopped extends Error {
  constructor(
    readonly error: unknown,
    readonly summary: IngestSummary,
  ) {
    super((error as Error).message);
    this.name = 'IngestStopped';
  }
}

export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const started = options.now();
  const summary: IngestSummary = { read: 0, accepted: 0, rejected: 0, rejections: [], requests: 0, retries: 0, durationMs: 0 };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let doneBytes = 0;

  const launch = (batch: InputItem[]): void => {
    const job = deliverBatch(batch, options).then(
      (r) => {
        for (const item of batch) doneBytes += item.bytes;
        summary.accepted += r.accepted;
        summary.rejected += r.rejected.length;
        summary.rejections.push(...r.rejected);
        summary.requests += r.requests;
        summary.retries += r.retries;
        options.onBatch?.({ read: summary.read, accepted: summary.accepted, rejected: summary.rejected, doneBytes });
      },
      (err: unknown) => {
        failure ??= { error: err };
      },
    );
    const tracked = job.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  let batch: InputItem[] = [];
  let bytes = 0;
  for await (const raw of options.items) {
    if (failure !== undefined) break;
    const item = withId(raw, options.now());
    // +1 for the newline that joins it to the next line in the body.
    const size = Buffer.byteLength(item.text) + 1;
    if (batch.length > 0 && (batch.length >= options.batchEvents || bytes + size > options.batchBytes)) {
      launch(batch);
      batch = [];
      bytes = 0;
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    }
    batch.push(item);
    bytes += size;
    summary.read++;
  }
  if (batch.length > 0 && failure === undefined) launch(batch);
  await Promise.all(inFlight);
  summary.durationMs = options.now() - started;
  summary.rejections.sort((a, b) => (a.line ?? a.index ?? 0) - (b.line ?? b.index ?? 0));
  if (failure !== undefined) throw new IngestStopped(failure.error, summary);
  return summary;
}
