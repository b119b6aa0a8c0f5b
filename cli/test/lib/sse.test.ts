import t from 'tap';
import { SseParser } from '../../src/lib/sse.js';

t.test('a message split across chunks, with CRLF and a lone CR at a chunk end', async (t) => {
  const p = new SseParser();
  t.same(p.push('event: log\r'), []);
  t.same(p.push('\ndata: {"a":'), []);
  t.same(p.push('1}\r\n\r\n'), [{ event: 'log', data: '{"a":1}', id: undefined }]);
});

t.test('comments are heartbeats; data lines join with newlines; no event name means "message"', async (t) => {
  const p = new SseParser();
  t.same(p.push(': heartbeat 2024-05-01T00:00:00Z\n\n'), []);
  t.same(p.push('data: one\ndata:two\n\n'), [{ event: 'message', data: 'one\ntwo', id: undefined }]);
});

t.test('id persists to later messages; retry, unknown fields and empty messages are ignored', async (t) => {
  const p = new SseParser();
  const out = p.push('id: 7\nretry: 1500\nfoo: bar\ndata: x\n\nevent: ready\n\ndata: y\n\n');
  t.same(out, [
    { event: 'message', data: 'x', id: '7' },
    { event: 'message', data: 'y', id: '7' },
  ]);
});

t.test('several messages in one chunk', async (t) => {
  const p = new SseParser();
  const out = p.push('event: ready\ndata: {}\n\nevent: log\ndata: {"id":"1"}\n\nevent: dropped\ndata: {"reason":"slow"}\n\n');
  t.same(
    out.map((m) => m.event),
    ['ready', 'log', 'dropped'],
  );
});
