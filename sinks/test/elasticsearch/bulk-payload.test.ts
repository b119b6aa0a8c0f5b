import t from 'tap';
import { ID_ORDER_FIELDS, idOrderKeys, messageWordsText, type LogEvent } from '@logpipe/schemas';
import { MIN_SPLIT_BYTES, bodyBytesFor, bulkBodies, bulkRequestBody, isBulkItem, toBulkItem, type BulkItem } from '../../src/elasticsearch/bulk-payload.js';
import { event, record } from './helpers/fixtures.js';

/** The fields the sink adds to an event: its message's words and its id as numbers (both kept out of _source). */
const added = (ev: LogEvent): Record<string, unknown> => ({ words: messageWordsText(ev.message), ...Object.fromEntries(ID_ORDER_FIELDS.map((f, i) => [f, idOrderKeys(ev.id)?.[i]]).filter(([, v]) => v !== undefined)) });

t.test('a record becomes a create action into its day and the event, with the words of its message and its id as numbers, as source', async (t) => {
  const ev = event({ message: 'Naïve CAFÉ ✓ "quoted"\nsecond_line', timestamp: '2026-03-04T05:06:07.089Z' });
  const item = toBulkItem(record(ev), 'logs');
  if (!isBulkItem(item)) throw new Error('expected an item');
  const [action, source, extra] = item.lines.split('\n');
  t.same(JSON.parse(action ?? ''), { create: { _index: 'logs-2026.03.04', _id: ev.id } });
  const keys = idOrderKeys(ev.id) ?? [];
  t.equal(keys.length, 3);
  t.same(JSON.parse(source ?? ''), { ...ev, words: 'naïve café quoted second line', idOrder0: keys[0], idOrder1: keys[1], idOrder2: keys[2] }, 'the mapping keeps words and idOrder* out of _source');
  t.equal(extra, undefined, 'a newline inside the message is escaped in the source line');
  t.equal(item.bytes, Buffer.byteLength(item.lines) + 1);
});

t.test('the source line is, to the byte, JSON.stringify of the event plus what the sink adds', async (t) => {
  const events: LogEvent[] = [
    event(),
    event({ message: '', traceId: 't\u0000"\\', spanId: '\ud800 lone', commit: 'abc', metadata: {} }),
    event({ message: 'Ünïcödé 😀 \u2028', metadata: { '2': 'two', b: 1.5e-7, a: -0, '"odd key"\n': true, '1': Number.NaN, z: 'x' } }),
    // No decoded LogEvent has `words`, `idOrder*` or a toJSON; the source is still what the spread would give.
    { ...event({ message: 'Own Words' }), words: 'stale' } as LogEvent,
    { ...event(), idOrder1: 5 } as LogEvent,
    event({ id: 'not-a-uuid' }),
    Object.assign(Object.create({ toJSON: () => 'not the event' }) as object, event()) as LogEvent,
  ];
  for (const ev of events) {
    const item = toBulkItem(record(ev), 'logs');
    if (!isBulkItem(item)) throw new Error('expected an item');
    t.equal(item.lines.split('\n')[1], JSON.stringify({ ...ev, ...added(ev) }), ev.message);
  }
});

t.test('a request body is the items\' lines, each ending in a newline, as UTF-8', async (t) => {
  const items = ['first', 'Ünïcödé 😀', '"quoted"\nline'].map((message) => toBulkItem(record(event({ message })), 'logs')).filter(isBulkItem);
  const body = bulkRequestBody(items);
  t.equal(body.length, items.reduce((sum, item) => sum + item.bytes, 0), 'as many bytes as the items count');
  t.equal(body.toString(), items.map((item) => `${item.lines}\n`).join(''));
  t.equal(bulkRequestBody([]).length, 0);
});

t.test('a record without a usable day or id is rejected before Elasticsearch', async (t) => {
  const bad = toBulkItem(record(event({ timestamp: 'not a date' })), 'logs');
  t.notOk(isBulkItem(bad));
  if (!isBulkItem(bad)) t.equal(bad.code, 'invalid_timestamp');
  const noId = toBulkItem(record(event({ id: '' })), 'logs');
  if (!isBulkItem(noId)) t.equal(noId.code, 'invalid_id');
  else t.fail('expected a rejection');
});

const fake = (bytes: number): BulkItem => ({ record: record(event()), lines: 'x'.repeat(bytes - 1), bytes });

t.test('bodies stay under the byte bound, keep the order, and a too large item goes alone', async (t) => {
  const items = [fake(400), fake(400), fake(300), fake(1500), fake(100), fake(999), fake(1)];
  const bodies = [...bulkBodies(items, 1000)];
  t.same(
    bodies.map((b) => b.map((i) => i.bytes)),
    [[400, 400], [300], [1500], [100], [999, 1]],
  );
  t.same(bodies.flat(), items, 'every item exactly once, in order');
  t.same([...bulkBodies([], 1000)], []);
});

t.test('body size: spread evenly over the request slots, within [MIN_SPLIT_BYTES, maxBytes]', async (t) => {
  const MiB = 1024 * 1024;
  t.equal(bodyBytesFor(6 * MiB, 5 * MiB, 2), 3 * MiB, '2 x 3 MiB rather than 5 + 1');
  t.equal(bodyBytesFor(11 * MiB, 5 * MiB, 2), 2.75 * MiB, 'four bodies: two full rounds');
  t.equal(bodyBytesFor(100 * MiB, 5 * MiB, 2), 5 * MiB);
  t.equal(bodyBytesFor(600 * 1024, 5 * MiB, 2), MIN_SPLIT_BYTES, 'a small batch is not cut into tiny requests');
  t.equal(bodyBytesFor(10 * MiB, 256 * 1024, 2), 256 * 1024, 'never above maxBytes, even below MIN_SPLIT_BYTES');
  t.equal(bodyBytesFor(0, 5 * MiB, 2), MIN_SPLIT_BYTES);
});
