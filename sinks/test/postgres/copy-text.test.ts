import t from 'tap';
import { copyValue, encodeRow, encodeRows, nulField, STAGING_COLUMNS } from '../../src/postgres/copy-text.js';
import { makeEvent, makeRecord } from '../helpers/events.js';

t.test('COPY text escaping', async (t) => {
  t.equal(copyValue(null), '\\N');
  t.equal(copyValue(undefined), '\\N');
  t.equal(copyValue(''), '');
  t.equal(copyValue('plain'), 'plain');
  t.equal(copyValue('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
  t.equal(copyValue('\\N'), '\\\\N', 'a literal \\N is not NULL');
});

t.test('a row has the staging columns in order, the words of the message last', async (t) => {
  const e = makeEvent({ message: 'm\tX-ray\\n', traceId: 't', metadata: { k: 'v\n' } });
  const row = encodeRow(makeRecord(e, 0), 7);
  t.equal(row, `7\t${e.timestamp.slice(0, 10)}\t${e.id}\t${e.timestamp}\t${e.receivedAt}\tinfo\tm\\tX-ray\\\\n\t${e.resourceId}\tt\t\\N\t\\N\t{"k":"v\\\\n"}\tm x ray n\n`);
  t.equal(row.split('\t').length, STAGING_COLUMNS.length);
});

t.test('rows come in chunks that join to the whole', async (t) => {
  const records = Array.from({ length: 50 }, (_, i) => makeRecord(makeEvent(), i));
  const chunks = [...encodeRows(records, 500)];
  t.ok(chunks.length > 1);
  t.equal(chunks.join(''), records.map((r, i) => encodeRow(r, i)).join(''));
});

t.test('NUL is found in any text field', async (t) => {
  t.equal(nulField(makeRecord(makeEvent(), 0)), undefined);
  t.equal(nulField(makeRecord(makeEvent({ message: 'a\u0000' }), 0)), 'message');
  t.equal(nulField(makeRecord(makeEvent({ commit: '\u0000' }), 0)), 'commit');
});
