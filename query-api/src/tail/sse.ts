// Server-Sent Events framing and one subscriber's connection. A subscriber that reads slower than
// events arrive is dropped, with a last event saying why, instead of being buffered without bound (the
// process would run out of memory for one slow client).
//
// Events a client sees:
//   event: ready    data: {"subscribedAt": iso}          once, when the subscription is live
//   event: log      data: <the event, as search hits>     per matching event
//   event: dropped  data: {"reason": "..."}              last, when the server ends the stream
//   `: heartbeat` comments keep proxies from closing an idle stream.
import type { LogEvent } from '@logpipe/schemas';

/** One SSE event. JSON.stringify escapes CR and LF, so the data is always one line. */
export const sseEvent = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

export const sseComment = (text: string): string => `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;

/** The part of a ServerResponse a subscriber uses (a PassThrough stands in for it in tests). */
export interface SseOutput {
  write(chunk: string): boolean;
  end(): void;
  destroy(): void;
  readonly writableLength: number;
  readonly writableFinished: boolean;
}

export interface SseSubscriberOptions {
  predicate: (event: LogEvent) => boolean;
  maxBufferedBytes: number;
  /** Called once when the stream ends for any reason, so the hub forgets the subscriber. */
  onClose: (reason: DropReason | 'client') => void;
  /** Time a dropped client gets to read the last event before its socket is destroyed. */
  lingerMs?: number;
}

export type DropReason = 'slow' | 'shutdown';

const REASONS: Record<DropReason, (maxBytes: number) => string> = {
  slow: (maxBytes) => `the client read too slowly: more than ${maxBytes} bytes were waiting to be sent; events in between are lost, reconnect to tail again`,
  shutdown: () => 'the server is shutting down; reconnect to tail again',
};

export class SseSubscriber {
  readonly predicate: (event: LogEvent) => boolean;
  readonly #out: SseOutput;
  readonly #options: SseSubscriberOptions;
  #open = true;

  constructor(out: SseOutput, options: SseSubscriberOptions) {
    this.#out = out;
    this.#options = options;
    this.predicate = options.predicate;
  }

  get open(): boolean {
    return this.#open;
  }

  start(subscribedAt: Date): void {
    this.#write(sseEvent('ready', { subscribedAt: subscribedAt.toISOString() }));
  }

  deliver(event: LogEvent): void {
    this.#write(sseEvent('log', event));
  }

  heartbeat(now: Date): void {
    this.#write(sseComment(`heartbeat ${now.toISOString()}`));
  }

  /** Ends the stream with a last event saying why. */
  drop(reason: DropReason): void {
    if (!this.#open) return;
    this.#open = false;
    this.#out.write(sseEvent('dropped', { reason: REASONS[reason](this.#options.maxBufferedBytes) }));
    this.#out.end();
    // A client that does not read cannot receive the end either; its socket is not kept for it.
    const linger = setTimeout(() => {
      if (!this.#out.writableFinished) this.#out.destroy();
    }, this.#options.lingerMs ?? 5000);
    linger.unref();
    this.#options.onClose(reason);
  }

  /** The client went away. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#options.onClose('client');
  }

  #write(chunk: string): void {
    if (!this.#open) return;
    this.#out.write(chunk);
    // writableLength counts what Node holds because the socket would not take it: the client is behind.
    if (this.#out.writableLength > this.#options.maxBufferedBytes) this.drop('slow');
  }
}
