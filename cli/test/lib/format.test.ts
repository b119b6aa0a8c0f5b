/* eslint-disable no-control-regex -- the escape sequences of terminal colours are what these tests check */
import t from 'tap';
import type { LogEvent } from '@logpipe/schemas';
import { caretLines, escapeControl, extrasOf, levelCell, renderTable, tableLine } from '../../src/lib/format.js';

const event: LogEvent = {
  id: '0190a5c4-8f3e-7b2a-9c1d-2e3f4a5b6c7d',
  level: 'error',
  message: 'payment failed',
  resourceId: 'checkout-1',
  timestamp: '2024-05-01T12:00:00.000Z',
  receivedAt: '2024-05-01T12:00:00.010Z',
};

t.test('levels are upper-case, padded, and coloured only when asked', async (t) => {
  t.equal(levelCell('info', false), 'INFO ');
  t.equal(levelCell('error', true), '\x1b[31mERROR\x1b[0m');
  t.equal(levelCell('warn', true), '\x1b[33mWARN \x1b[0m');
  t.equal(levelCell('fatal', true), '\x1b[1;97;41mFATAL\x1b[0m');
});

t.test('a table line: timestamp, level, padded resource, message, then the optional fields', async (t) => {
  t.equal(tableLine(event, { colour: false, resourceWidth: 12 }), '2024-05-01T12:00:00.000Z ERROR checkout-1   payment failed');
  const withExtras = tableLine({ ...event, traceId: 't1', commit: 'abc', metadata: { parentResourceId: 'shop', 'retry count': 3, note: 'two words' } }, { colour: false, resourceWidth: 10 });
  t.equal(withExtras, '2024-05-01T12:00:00.000Z ERROR checkout-1 payment failed traceId=t1 commit=abc parentResourceId=shop retry count=3 note="two words"');
  t.match(tableLine(event, { colour: true, resourceWidth: 10 }), /\x1b\[31mERROR\x1b\[0m/);
});

t.test('control characters in a message cannot break the line or drive the terminal', async (t) => {
  const line = tableLine({ ...event, message: 'a\nb\r\tc\x1b[2Jd\u2028' }, { colour: false, resourceWidth: 10 });
  t.notMatch(line, /[\n\r\t\x1b\u2028]/);
  t.match(line, /a\\nb\\r\\tc\\u001b\[2Jd\\u2028/);
  t.equal(escapeControl('plain ünïcode ✓'), 'plain ünïcode ✓');
});

t.test('extras are empty for an event with no optional fields', async (t) => {
  t.equal(extrasOf(event), '');
});

t.test('renderTable pads columns to the widest cell', async (t) => {
  t.equal(renderTable(['ID', 'ROLE'], [['1', 'reader'], ['22', 'admin']], false), 'ID  ROLE\n1   reader\n22  admin');
});

t.test('caretLines points at the offending token', async (t) => {
  t.same(caretLines('level:nope timeout', 6, 4), ['  level:nope timeout', '        ^^^^']);
  t.same(caretLines('abc', 10, 2), ['  abc', '     ^'], 'a position past the end points just after the text');
});
