// A live-tail client over a real socket: reads the SSE stream as it arrives and timestamps each event, so
// tests can measure delivery latency, and can stop reading to play a slow client.
import { request, type IncomingMessage } from 'node:http';

export interface SseMessage {
  event: string;
  data: unknown;
  /** performance.now() when it arrived. */
  at: number;
}

export interface TailClient {
  status: number;
  messages: SseMessage[];
  /** Bytes received so far. */
  received(): number;
  waitFor(what: string, match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Stops reading from the socket (the kernel buffers fill, then the server's). */
  pause(): void;
  resume(): void;
  ended: Promise<void>;
  close(): void;
}

export function openTail(baseUrl: string, key: string, query: Record<string, string | string[]> = {}): Promise<TailClient> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  const url = new URL(`/api/tail?${params}`, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } }, (res: IncomingMessage) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      let bytes = 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        if (res.statusCode !== 200) return; // a JSON error, not a stream
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue; // a comment (heartbeat)
          const text = data.join('\n');
          messages.push({ event, data: JSON.parse(text), at: performance.now() });
          for (const wake of waiters) wake();
        }
      });
      const ended = new Promise<void>((done) => {
        res.on('end', () => done());
        res.on('close', () => done());
      });
      resolve({
        status: res.statusCode ?? 0,
        messages,
        received: () => bytes,
        waitFor(what, match, timeoutMs = 10_000) {
          return new Promise((found, fail) => {
            const check = () => {
              const hit = messages.find(match);
              if (!hit) return;
              waiters.delete(check);
              clearTimeout(timer);
              found(hit);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no ${what} within ${timeoutMs} ms (got ${messages.map((m) => m.event).join(', ')})`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        pause: () => res.pause(),
        resume: () => res.resume(),
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}
