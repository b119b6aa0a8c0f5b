// The live tail's reader of text/event-stream (query-api/public/api.js): fetch hands it chunks cut
// anywhere, and every event must come out whole, once.
import t from 'tap';
import { createSseParser } from '../../query-api/public/api.js';

const stream = ': keep-alive\n\nevent: log\ndata: {"id":"1"}\n\r\ndata: line one\r\ndata: line two\rid: 7\r\n\r\ndata:no-space\n\n';
const expected = [
  { event: 'log', data: '{"id":"1"}', id: '' },
  { event: 'message', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
];

function parse(chunks: string[]) {
  const out: Array<{ event: string; data: string; id: string }> = [];
  const parser = createSseParser((msg) => out.push(msg));
  for (const c of chunks) parser.push(c);
  return out;
}

t.test('one chunk', async (t) => {
  t.same(parse([stream]), expected);
});

t.test('every split into two chunks, including between CR and LF', async (t) => {
  for (let i = 1; i < stream.length; i++) {
    t.same(parse([stream.slice(0, i), stream.slice(i)]), expected, `split at ${i}`);
  }
});

t.test('one character at a time', async (t) => {
  t.same(parse([...stream]), expected);
});

t.test('an event without its blank line is not dispatched yet', async (t) => {
  t.same(parse(['data: half']), []);
});
