import t from 'tap';
import { bodyFormat, parseBody } from '../src/body-parser.js';
import { GatewayError } from '../src/errors.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

function failure(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

t.test('content types', async (t) => {
  t.equal(bodyFormat('application/json'), 'json');
  t.equal(bodyFormat('Application/JSON; charset=UTF-8'), 'json');
  t.equal(bodyFormat('application/x-ndjson'), 'ndjson');
  t.equal(bodyFormat('application/x-ndjson; charset="utf-8"'), 'ndjson');
  t.equal(bodyFormat('application/json; charset=latin1'), undefined, 'another charset is refused');
  t.equal(bodyFormat('text/plain'), undefined);
  t.equal(bodyFormat(undefined), undefined);
});

t.test('JSON: an object or an array of items', async (t) => {
  t.same(parseBody(utf8('{"a":1}'), 'json', 10), { items: [{ a: 1 }] });
  t.same(parseBody(utf8('[{"a":1},{"b":2}]'), 'json', 10), { items: [{ a: 1 }, { b: 2 }] });
  t.same(parseBody(utf8('\uFEFF{"a":1}'), 'json', 10), { items: [{ a: 1 }] }, 'a byte order mark is dropped');
  const proto = parseBody(utf8('{"__proto__":{"polluted":true}}'), 'json', 10).items[0] as Record<string, unknown>;
  t.ok(Object.hasOwn(proto, '__proto__'), '__proto__ stays an own key for the event rules to reject');
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was touched');
});

t.test('JSON failures name the problem', async (t) => {
  t.match(failure(() => parseBody(Buffer.alloc(0), 'json', 10)), { code: 'GW_EMPTY_BODY' });
  t.match(failure(() => parseBody(utf8('  \n '), 'json', 10)), { code: 'GW_EMPTY_BODY' });
  t.match(failure(() => parseBody(utf8('[]'), 'json', 10)), { code: 'GW_EMPTY_BATCH' });
  t.match(failure(() => parseBody(utf8('{"a":'), 'json', 10)), { code: 'GW_INVALID_JSON', message: /not valid JSON/ });
  t.match(failure(() => parseBody(utf8('{"a":1,}'), 'json', 10)), { code: 'GW_INVALID_JSON', message: /line 1, column 8/ });
  t.match(failure(() => parseBody(utf8('42'), 'json', 10)), { code: 'GW_INVALID_BODY', message: /JSON number/ });
  t.match(failure(() => parseBody(utf8('null'), 'json', 10)), { code: 'GW_INVALID_BODY', message: /JSON null/ });
  t.match(failure(() => parseBody(utf8(JSON.stringify(Array(11).fill({}))), 'json', 10)), { code: 'GW_TOO_MANY_EVENTS', statusCode: 413, message: /11 events; at most 10/ });
  t.match(failure(() => parseBody(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'json', 10)), { code: 'GW_INVALID_UTF8', message: /offset 2/ });
});

t.test('NDJSON: one item per line, blank lines and CRLF ignored, line numbers kept', async (t) => {
  const body = utf8('{"a":1}\r\n\n  \n{"b":2}\n{"c":3}\n');
  t.same(parseBody(body, 'ndjson', 10), { items: [{ a: 1 }, { b: 2 }, { c: 3 }], lines: [1, 4, 5] });
});

t.test('NDJSON failures name every broken line', async (t) => {
  const err = failure(() => parseBody(utf8('{"a":1}\n{"b":\n\n{"c":3}\nnope\n'), 'ndjson', 10));
  t.equal(err.code, 'GW_INVALID_NDJSON');
  t.match(err.message, /2 NDJSON line\(s\).*first is line 2/);
  t.match(err.items, [
    { index: 1, line: 2, path: '', message: /^line 2 is not valid JSON/ },
    { index: 3, line: 5, path: '', message: /^line 5 is not valid JSON/ },
  ]);
  t.match(failure(() => parseBody(utf8('\n\n\n'), 'ndjson', 10)), { code: 'GW_EMPTY_BODY' });
  t.match(failure(() => parseBody(utf8('{}\n'.repeat(12)), 'ndjson', 10)), { code: 'GW_TOO_MANY_EVENTS', message: /12 events; at most 10/ });
});
