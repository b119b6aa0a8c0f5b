// Load through the gateway as clients send it: JSON arrays of events POSTed by a few concurrent clients,
// the ids collected from the 202 answers. A 429/503 is retried after its Retry-After with the ids the
// gateway handed back, so a retried event keeps its identity (and a store keeps one copy of it).
import type { IncomingEvent } from '@logpipe/schemas';

const LEVELS = ['trace', 'debug', 'info', 'info', 'info', 'warn', 'error', 'fatal'] as const;
const WORDS = ['checkout', 'payment', 'refund', 'cart', 'login', 'search', 'invoice', 'shipping', 'timeout', 'retry'];

/** Noon of the current UTC day: every event of a run falls in one daily index and partition. */
export function sameDayBase(): number {
  const now = new Date();
  return Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12);
}

/** Event number `i` of a run: about 200 bytes, varied fields, `metadata.seq` = i (a number). */
export function makeEvent(run: string, i: number, base = sameDayBase()): IncomingEvent {
  return {
    level: LEVELS[i % LEVELS.length]!,
    message: `${WORDS[i % WORDS.length]} request ${i} of run ${run} answered ${200 + (i % 7)} in ${i % 997} ms`,
    resourceId: `svc-${i % 37}`,
    timestamp: new Date(base + i).toISOString(),
    ...(i % 3 === 0 ? { traceId: `trace-${Math.floor(i / 3)}` } : {}),
    metadata: { seq: i, region: i % 2 === 0 ? 'eu-west-1' : 'us-east-1', parentResourceId: `svc-${i % 5}` },
  };
}

export interface LoadOptions {
  /** Gateway base URL. */
  url: string;
  /** Events numbered from `first` to `first + count - 1`. */
  first?: number;
  count: number;
  event: (i: number) => IncomingEvent;
  batchSize?: number;
  clients?: number;
  /** Events per second over the whole load; unlimited when absent. */
  ratePerSec?: number;
}

export interface LoadResult {
  /** Acknowledged id of each event, by its number (`ids[i - first]`). */
  ids: string[];
  /** Events acknowledged so far, and when (performance.now()), one entry per 202. */
  acks: Array<{ at: number; total: number }>;
  requests: number;
  retries: number;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the load; `progress` is live while it runs (its `acks` and `ids` fill in) and `done` resolves
 * with it once every event was acknowledged. A non-retryable answer rejects `done`.
 */
export function startLoad(options: LoadOptions): { progress: LoadResult; done: Promise<LoadResult> } {
  const first = options.first ?? 0;
  const batchSize = options.batchSize ?? 1000;
  const clients = options.clients ?? 4;
  const started = performance.now();
  const result: LoadResult = { ids: new Array<string>(options.count), acks: [], requests: 0, retries: 0, ms: 0 };
  let acknowledged = 0;
  let next = 0;

  async function send(from: number, to: number): Promise<void> {
    const events: IncomingEvent[] = [];
    for (let i = from; i < to; i++) events.push(options.event(first + i));
    for (let attempt = 0; ; attempt++) {
      result.requests++;
      const res = await fetch(`${options.url}/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events), signal: AbortSignal.timeout(60_000) });
      const body = (await res.json()) as { ids?: string[]; error?: { code: string; message: string; ids?: string[] } };
      if (res.status === 202) {
        body.ids!.forEach((id, k) => (result.ids[from + k] = id));
        acknowledged += events.length;
        result.acks.push({ at: performance.now(), total: acknowledged });
        return;
      }
      if ((res.status !== 429 && res.status !== 503) || attempt >= 20) throw new Error(`POST /logs answered ${res.status}: ${JSON.stringify(body.error)}`);
      result.retries++;
      body.error?.ids?.forEach((id, k) => (events[k]!.id = id));
      await sleep(1000 * Number(res.headers.get('retry-after') ?? 1));
    }
  }

  async function client(): Promise<void> {
    for (;;) {
      const from = next;
      if (from >= options.count) return;
      const to = Math.min(options.count, from + batchSize);
      next = to;
      if (options.ratePerSec) {
        const wait = started + (from / options.ratePerSec) * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
      }
      await send(from, to);
    }
  }

  const done = Promise.all(Array.from({ length: clients }, client)).then(() => {
    result.ms = performance.now() - started;
    return result;
  });
  return { progress: result, done };
}
