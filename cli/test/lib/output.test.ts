import t from 'tap';
import { PassThrough } from 'node:stream';
import type { LogEvent } from '@logpipe/schemas';
import { EventPrinter, Output } from '../../src/lib/output.js';

const events: LogEvent[] = [1, 2, 3].map((n) => ({
  id: `0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7${n}`,
  level: 'info',
  message: `message ${n}`,
  resourceId: `svc-${n}`,
  timestamp: `2024-05-01T12:00:0${n}.000Z`,
  receivedAt: `2024-05-01T12:00:0${n}.000Z`,
}));

async function printed(format: 'table' | 'json' | 'ndjson' | 'raw', batches: LogEvent[][]): Promise<string> {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  const printer = new EventPrinter(new Output(stream), { format, colour: false, header: true });
  for (const b of batches) await printer.print(b);
  await printer.end();
  return text;
}

t.test('json over several batches is one valid array', async (t) => {
  const text = await printed('json', [events.slice(0, 1), [], events.slice(1)]);
  t.same(JSON.parse(text), events);
  t.same(JSON.parse(await printed('json', [])), [], 'no events: an empty array');
});

t.test('ndjson: one event per line', async (t) => {
  const lines = (await printed('ndjson', [events.slice(0, 2), events.slice(2)])).trimEnd().split('\n');
  t.same(lines.map((l) => JSON.parse(l)), events);
});

t.test('raw: the messages only', async (t) => {
  t.equal(await printed('raw', [events]), 'message 1\nmessage 2\nmessage 3\n');
});

t.test('table: a header, then columns that line up across batches', async (t) => {
  const lines = (await printed('table', [events.slice(0, 1), events.slice(1)])).trimEnd().split('\n');
  t.equal(lines.length, 4);
  t.match(lines[0], /^TIMESTAMP\s+LEVEL RESOURCE MESSAGE$/);
  const messageColumn = lines.slice(1).map((l) => l.indexOf('message'));
  t.same(new Set(messageColumn).size, 1, 'the message column starts at the same place on every line');
});

t.test('a reader that closed the pipe stops the output instead of failing', async (t) => {
  const stream = new PassThrough();
  const out = new Output(stream);
  stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  t.ok(out.closed);
  await out.write('ignored\n');
});
