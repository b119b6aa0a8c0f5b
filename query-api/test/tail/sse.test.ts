// One subscriber's stream, on a PassThrough nobody reads (a client that stopped reading).
import { PassThrough } from 'node:stream';
import type { LogEvent } from '@logpipe/schemas';
import t from 'tap';
import { sseComment, sseEvent, SseSubscriber } from '../../src/tail/sse.js';

const event = (message: string): LogEvent => ({ id: '00000000-0000-4000-8000-000000000001', level: 'info', message, resourceId: 'r', timestamp: '2026-11-29T10:00:00.000Z', receivedAt: '2026-11-29T10:00:00.000Z' });

t.test('SSE framing: one data line per event whatever the message holds', async (t) => {
  const text = sseEvent('log', event('line one\nline two\r\nthree\u2028'));
  t.match(text, /^event: log\ndata: \{[^\n\r]*\}\n\n$/);
  t.equal(text.split('\n').length, 4);
  t.equal(sseComment('a\nb'), ': a b\n\n');
});

t.test('a client that does not read is dropped at the bound, with a last event saying why', async (t) => {
  const out = new PassThrough({ highWaterMark: 16 });
  const closes: string[] = [];
  const sub = new SseSubscriber(out, { predicate: () => true, maxBufferedBytes: 4096, onClose: (r) => closes.push(r), lingerMs: 50 });
  sub.start(new Date('2026-11-29T10:00:00Z'));
  let sent = 0;
  while (sub.open && sent < 1000) {
    sub.deliver(event('x'.repeat(200)));
    sent++;
  }
  t.notOk(sub.open, 'dropped');
  t.ok(sent < 30, `after ${sent} events of ~400 bytes`);
  t.same(closes, ['slow']);
  sub.deliver(event('after the drop'));
  const text = out.read()?.toString() ?? '';
  t.match(text, /^event: ready\n/);
  t.match(text, /event: dropped\ndata: \{"reason":"the client read too slowly: more than 4096 bytes/);
  t.notMatch(text, /after the drop/, 'nothing after the last event');
  await new Promise((r) => setTimeout(r, 100));
  t.ok(out.destroyed || out.writableFinished, 'the stream is ended, or destroyed when the client cannot take the end either');
});

t.test('a client that leaves is forgotten once', async (t) => {
  const closes: string[] = [];
  const sub = new SseSubscriber(new PassThrough(), { predicate: () => true, maxBufferedBytes: 1 << 20, onClose: (r) => closes.push(r) });
  sub.closed();
  sub.closed();
  sub.drop('shutdown');
  t.same(closes, ['client']);
});
