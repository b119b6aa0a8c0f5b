import t from 'tap';
import { Readable } from 'node:stream';
import { readItems, type InputFormat, type InputItem } from '../../../src/lib/ingest/input.js';

async function items(chunks: string[], format: InputFormat = 'auto'): Promise<Omit<InputItem, 'bytes'>[]> {
  const out: Omit<InputItem, 'bytes'>[] = [];
  for await (const { bytes: _bytes, ...item } of readItems(Readable.from(chunks.map((c) => Buffer.from(c))), format, 'input')) out.push(item);
  return out;
}

t.test('NDJSON: every line numbered from 1, blank lines skipped but counted, CRLF and a missing last newline', async (t) => {
  t.same(await items(['{"a":1}\r\n\n  \n{"b"', ':2}\n{"c":3}']), [
    { text: '{"a":1}', line: 1 },
    { text: '{"b":2}', line: 4 },
    { text: '{"c":3}', line: 5 },
  ]);
});

t.test('a bad line stays an item (the gateway reports it), and does not turn NDJSON into JSON', async (t) => {
  t.same(await items(['{"a":1}\n{broken\n{"c":3}\n']), [
    { text: '{"a":1}', line: 1 },
    { text: '{broken', line: 2 },
    { text: '{"c":3}', line: 3 },
  ]);
  t.same(await items(['{broken\n{"c":3}\n']), [
    { text: '{broken', line: 1 },
    { text: '{"c":3}', line: 2 },
  ], 'even when the first line is the bad one');
});

t.test('a JSON array: items by position, re-serialised on one line each', async (t) => {
  t.same(await items(['\ufeff [\n {"a": 1},\n', ' {"b": [1, 2]}\n]\n']), [
    { text: '{"a":1}', index: 0 },
    { text: '{"b":[1,2]}', index: 1 },
  ]);
});

t.test('one pretty-printed object is one event', async (t) => {
  t.same(await items(['{\n  "a": 1,\n  "b": "x"\n}\n']), [{ text: '{"a":1,"b":"x"}', index: 0 }]);
});

t.test('a broken JSON array cannot be split into events: an input error', async (t) => {
  await t.rejects(items(['[{"a":1},\n{"b":']), { code: 'CLI_INPUT_UNREADABLE', exitCode: 2, message: /^input is not valid JSON \(.+\); send one event, an array of events, or NDJSON/ });
});

t.test('--format forces the reading', async (t) => {
  t.same(await items(['{"a":1}\n{"b":2}\n'], 'ndjson'), [
    { text: '{"a":1}', line: 1 },
    { text: '{"b":2}', line: 2 },
  ]);
  await t.rejects(items(['{"a":1}\n{"b":2}\n'], 'json'), { code: 'CLI_INPUT_UNREADABLE' });
});

t.test('empty input: no items', async (t) => {
  t.same(await items(['\n\n  \n']), []);
  t.same(await items([]), []);
});

t.test('bytes add up to the input size, for the progress bar', async (t) => {
  const text = '{"a":1}\n\n{"é":2}\n';
  let total = 0;
  for await (const item of readItems(Readable.from([Buffer.from(text)]), 'auto', 'x')) total += item.bytes;
  t.equal(total, Buffer.byteLength(text) - 1, 'every byte but the blank line');
});
