// Coalesces the events of concurrent requests into shared produce calls. kafkajs sends one produce
// request per send()/sendBatch() call and never merges calls, so without this every single-event
// HTTP request would cost a Kafka round trip (acks=all) of its own.
//
// Pure logic: the actual send is injected. Rules:
// - A batch leaves when it is full (maxBatchEvents or maxBatchBytes) or when its oldest event has
//   waited lingerMs, and only while fewer than maxBatchesInFlight batches are unacknowledged.
// - A request may span batches. Its promise resolves once every batch holding one of its events was
//   acknowledged, and rejects as soon as one of them fails or its timeout passes; its events not yet
//   sent are then dropped from the queue. Events already sent may still reach Kafka: a failed request
//   may be partly in the topic, which is safe because ids are stable and every store writes by id.
// - Admission control: the bytes queued plus in flight never exceed maxPendingBytes; a request that
//   would pass it is refused at once (GW_OVERLOADED) rather than queued without bound.
import { GatewayError } from './errors.js';

export interface BatchItem {
  readonly bytes: number;
}

export interface BatchOutcome {
  events: number;
  bytes: number;
  durationMs: number;
  error?: unknown;
}

export interface BatcherOptions<T extends BatchItem> {
  lingerMs: number;
  maxBatchEvents: number;
  maxBatchBytes: number;
  maxBatchesInFlight: number;
  maxPendingBytes: number;
  /** Resolves once every item is acknowledged; a rejection fails every request in the batch. */
  send: (batch: T[]) => Promise<void>;
  onBatchSettled?: (outcome: BatchOutcome) => void;
}

export interface SubmitOptions {
  /** Fails the request with GW_PRODUCE_TIMEOUT if it is not acknowledged within this time. */
  timeoutMs?: number;
}

interface RequestState {
  /** Items not yet acknowledged (queued or in flight). */
  outstanding: number;
  /** Items still in the queue, with their bytes, so a failed request can give them back. */
  queued: number;
  queuedBytes: number;
  settled: boolean;
  resolve: () => void;
  reject: (err: GatewayError) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Entry<T> {
  item: T;
  request: RequestState;
  enqueuedAt: number;
}

// Compact the queue's consumed head only when it is both large and most of the array, so the
// copying is amortised O(1) per item.
const COMPACT_AFTER = 4096;

export class Batcher<T extends BatchItem> {
  readonly #opts: BatcherOptions<T>;
  #queue: Entry<T>[] = [];
  #head = 0;
  /** Live (not cancelled) entries in the queue and their bytes. */
  #queued = 0;
  #queuedBytes = 0;
  #inFlight = 0;
  #inFlightBytes = 0;
  #lingerTimer: NodeJS.Timeout | undefined;
  /** Linger no more: send what is queued as soon as there is room in flight. */
  #draining = false;
  #closing = false;
  #idleWaiters: (() => void)[] = [];

  constructor(options: BatcherOptions<T>) {
    this.#opts = options;
  }

  /** Bytes accepted but not yet acknowledged or given up: the gateway's memory at risk. */
  get pendingBytes(): number {
    return this.#queuedBytes + this.#inFlightBytes;
  }

  get batchesInFlight(): number {
    return this.#inFlight;
  }

  /** Queues a request's items; resolves once all of them are acknowledged. */
  submit(items: readonly T[], options: SubmitOptions = {}): Promise<void> {
    if (this.#closing) return Promise.reject(new GatewayError('GW_SHUTTING_DOWN'));
    if (items.length === 0) return Promise.resolve();
    let bytes = 0;
    for (const item of items) bytes += item.bytes;
    if (this.pendingBytes + bytes > this.#opts.maxPendingBytes) {
      return Promise.reject(
        new GatewayError('GW_OVERLOADED', {
          message: `the gateway holds ${this.pendingBytes} bytes not yet acknowledged by Kafka and this request adds ${bytes}; the limit is ${this.#opts.maxPendingBytes}; retry later`,
        }),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const request: RequestState = { outstanding: items.length, queued: items.length, queuedBytes: bytes, settled: false, resolve, reject, timer: undefined };
      const enqueuedAt = performance.now();
      for (const item of items) this.#queue.push({ item, request, enqueuedAt });
      this.#queued += items.length;
      this.#queuedBytes += bytes;
      if (options.timeoutMs !== undefined) {
        // Not unref'd: a pending request is work the process must finish or answer.
        request.timer = setTimeout(() => {
          this.#fail(request, new GatewayError('GW_PRODUCE_TIMEOUT', { message: `Kafka did not acknowledge the events within ${options.timeoutMs} ms; retry later with the same ids` }));
          this.#notifyIdle();
        }, options.timeoutMs);
      }
      this.#pump();
    });
  }

  /** Sends everything queued without waiting for the linger, from now on; still takes requests. */
  drain(): void {
    this.#draining = true;
    this.#pump();
  }

  /** Stops taking requests, sends everything queued at once, and resolves when nothing is pending. */
  close(): Promise<void> {
    this.#closing = true;
    this.drain();
    return this.#whenIdle();
  }

  #whenIdle(): Promise<void> {
    if (this.#queued === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #notifyIdle(): void {
    if (this.#queued !== 0 || this.#inFlight !== 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Sends every batch that is due while there is room in flight, then arms the linger timer. */
  #pump(): void {
    const { maxBatchEvents, maxBatchBytes, maxBatchesInFlight, lingerMs } = this.#opts;
    while (this.#queued > 0 && this.#inFlight < maxBatchesInFlight) {
      const full = this.#queued >= maxBatchEvents || this.#queuedBytes >= maxBatchBytes;
      const oldest = this.#oldestLive();
      const due = this.#draining || performance.now() - oldest.enqueuedAt >= lingerMs;
      if (!full && !due) break;
      this.#dispatch(this.#take());
    }
    if (this.#queued > 0 && this.#inFlight < maxBatchesInFlight && this.#lingerTimer === undefined) {
      const waitMs = Math.max(0, lingerMs - (performance.now() - this.#oldestLive().enqueuedAt));
      this.#lingerTimer = setTimeout(() => {
        this.#lingerTimer = undefined;
        this.#pump();
      }, waitMs);
    }
  }

  /** The first queued entry whose request is still waiting; drops cancelled ones on the way. */
  #oldestLive(): Entry<T> {
    for (;;) {
      const entry = this.#queue[this.#head]!;
      if (!entry.request.settled) return entry;
      this.#head++;
    }
  }

  #take(): Entry<T>[] {
    const { maxBatchEvents, maxBatchBytes } = this.#opts;
    const batch: Entry<T>[] = [];
    let bytes = 0;
    while (this.#head < this.#queue.length && batch.length < maxBatchEvents) {
      const entry = this.#queue[this.#head]!;
      if (entry.request.settled) {
        this.#head++;
        continue;
      }
      // Always take one, so an item larger than maxBatchBytes still goes (alone).
      if (batch.length > 0 && bytes + entry.item.bytes > maxBatchBytes) break;
      this.#head++;
      batch.push(entry);
      bytes += entry.item.bytes;
      entry.request.queued--;
      entry.request.queuedBytes -= entry.item.bytes;
    }
    this.#queued -= batch.length;
    this.#queuedBytes -= bytes;
    this.#compact();
    return batch;
  }

  #dispatch(batch: Entry<T>[]): void {
    let bytes = 0;
    const items: T[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) {
      items[i] = batch[i]!.item;
      bytes += batch[i]!.item.bytes;
    }
    this.#inFlight++;
    this.#inFlightBytes += bytes;
    const started = performance.now();
    const settle = (error: unknown, failed: boolean) => {
      this.#inFlight--;
      this.#inFlightBytes -= bytes;
      // Count each request once per batch, then settle it: a request may have many items here.
      const perRequest = new Map<RequestState, number>();
      for (const entry of batch) perRequest.set(entry.request, (perRequest.get(entry.request) ?? 0) + 1);
      for (const [request, count] of perRequest) {
        if (failed) {
          this.#fail(request, new GatewayError('GW_BROKER_UNAVAILABLE', { cause: error }));
        } else {
          request.outstanding -= count;
          if (request.outstanding === 0 && !request.settled) {
            request.settled = true;
            if (request.timer !== undefined) clearTimeout(request.timer);
            request.resolve();
          }
        }
      }
      this.#opts.onBatchSettled?.({ events: batch.length, bytes, durationMs: performance.now() - started, ...(failed ? { error } : {}) });
      this.#pump();
      this.#notifyIdle();
    };
    // A send that throws synchronously must fail its batch like one that rejects.
    Promise.resolve()
      .then(() => this.#opts.send(items))
      .then(
        () => settle(undefined, false),
        (err: unknown) => settle(err, true),
      );
  }

  /** Fails a request once and gives its still-queued items back (they are skipped when taken). */
  #fail(request: RequestState, err: GatewayError): void {
    if (request.settled) return;
    request.settled = true;
    if (request.timer !== undefined) clearTimeout(request.timer);
    this.#queued -= request.queued;
    this.#queuedBytes -= request.queuedBytes;
    request.queued = 0;
    request.queuedBytes = 0;
    this.#compact();
    request.reject(err);
  }

  /** Drops consumed and cancelled entries from the queue's head when that is cheap or free. */
  #compact(): void {
    if (this.#queued === 0) {
      // Whatever is left is cancelled: start afresh, and no linger is pending for nothing.
      this.#queue = [];
      this.#head = 0;
      if (this.#lingerTimer !== undefined) {
        clearTimeout(this.#lingerTimer);
        this.#lingerTimer = undefined;
      }
    } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
