// Asking several stores the same question in parallel, each with its own deadline, and reporting what
// each did (design contract, section 6: `sources`, `partial`). A store that fails or is late does not
// fail the request while another answered; only when every asked store failed is the answer an error.
import { QueryApiError } from '../errors.js';
import { StoreError, type LogStore, type StoreCall, type StoreName } from '../stores/contract.js';

export interface StoreOutcome<T> {
  store: StoreName;
  tookMs: number;
  value?: T;
  error?: StoreError;
}

export interface FanOutOptions {
  timeoutMs: number;
  /** Aborts every store call early (the client went away). */
  signal?: AbortSignal;
}

/** What `sources.<store>` says in an answer. */
export interface SourceReport {
  ok: boolean;
  tookMs: number;
  count: number;
  error?: string;
}

function wrap(store: StoreName, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  return new StoreError(store, 'failed', `${store} failed`, { cause: err });
}

/** Runs `ask` on every store at once; settles within about timeoutMs whatever the stores do. */
export function fanOut<T>(stores: readonly LogStore[], options: FanOutOptions, ask: (store: LogStore, call: StoreCall) => Promise<T>): Promise<StoreOutcome<T>[]> {
  return Promise.all(
    stores.map(async (store): Promise<StoreOutcome<T>> => {
      const started = performance.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const onClientGone = (): void => controller.abort();
      options.signal?.addEventListener('abort', onClientGone, { once: true });
      // The race ends the wait even if the store ignores the abort (a connection still being opened).
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(new StoreError(store.name, 'timeout', `${store.name === 'postgres' ? 'PostgreSQL' : 'Elasticsearch'} did not answer within ${options.timeoutMs} ms`));
          controller.abort();
        }, options.timeoutMs);
      });
      try {
        const value = await Promise.race([ask(store, { signal: controller.signal, timeoutMs: options.timeoutMs }), late]);
        return { store: store.name, tookMs: Math.round(performance.now() - started), value };
      } catch (err) {
        return { store: store.name, tookMs: Math.round(performance.now() - started), error: wrap(store.name, err) };
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onClientGone);
      }
    }),
  );
}

export function sourceReports<T>(outcomes: readonly StoreOutcome<T>[], count: (value: T) => number): Partial<Record<StoreName, SourceReport>> {
  const reports: Partial<Record<StoreName, SourceReport>> = {};
  for (const o of outcomes) {
    reports[o.store] = o.error
      ? { ok: false, tookMs: o.tookMs, count: 0, error: o.error.message }
      : { ok: true, tookMs: o.tookMs, count: o.value === undefined ? 0 : count(o.value) };
  }
  return reports;
}

/**
 * Throws when no asked store answered: 400 when every one refused the query itself (a regex too complex
 * for all of them), 503 otherwise (down, late or failing; retryable). The body names each store's reason.
 */
export function requireAnswer<T>(outcomes: readonly StoreOutcome<T>[], reports: Partial<Record<StoreName, SourceReport>>): void {
  if (outcomes.some((o) => !o.error)) return;
  const rejected = outcomes.every((o) => o.error?.kind === 'rejected');
  const reasons = outcomes.map((o) => o.error?.message).join('; ');
  throw new QueryApiError(rejected ? 'QRY_QUERY_REJECTED' : 'QRY_STORES_UNAVAILABLE', {
    message: `${rejected ? 'every store refused the query' : 'no store answered'}: ${reasons}`,
    details: { sources: reports },
  });
}
