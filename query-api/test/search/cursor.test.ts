import t from 'tap';
import { decodeCursor, encodeCursor, queryHash, type CursorState } from '../../src/search/cursor.js';

const state: CursorState = {
  position: { ms: Date.parse('2026-11-29T10:00:00.123Z'), id: '0190a000-0000-7000-8000-000000000001' },
  order: 'desc',
  queryHash: queryHash({ q: 'error' }),
  nowMs: Date.parse('2026-11-29T12:00:00.000Z'),
};

t.test('a cursor round-trips and is URL-safe', async (t) => {
  const cursor = encodeCursor(state);
  t.match(cursor, /^[A-Za-z0-9_-]+$/);
  t.same(decodeCursor(cursor), state);
  const old = { ...state, position: { ms: Date.parse('0001-01-01T00:00:00.000Z'), id: state.position.id }, order: 'asc' as const };
  t.same(decodeCursor(encodeCursor(old)), old, 'year 1 is a valid position');
});

t.test('anything the API did not write is refused, not guessed at', async (t) => {
  const wire = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const good = { v: 1, t: state.position.ms, i: state.position.id, o: 'desc', h: state.queryHash, n: state.nowMs };
  t.ok(decodeCursor(wire(good)));
  for (const [what, text] of [
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['truncated', encodeCursor(state).slice(0, 20)],
    ['another version', wire({ ...good, v: 2 })],
    ['an id that is not a UUID (would reach SQL)', wire({ ...good, i: "x'; drop table logs; --" })],
    ['an upper-case id (stores sort lower-case text)', wire({ ...good, i: state.position.id.toUpperCase() })],
    ['a fractional timestamp', wire({ ...good, t: 1.5 })],
    ['a timestamp past year 9999', wire({ ...good, t: 253402300800000 })],
    ['a timestamp as text', wire({ ...good, t: '2026-11-29' })],
    ['an unknown order', wire({ ...good, o: 'sideways' })],
    ['a hash of another shape', wire({ ...good, h: 'short' })],
    ['no now', wire({ ...good, n: undefined })],
    ['an array', wire([1, 2])],
    ['too long', 'a'.repeat(600)],
  ] as const) {
    t.equal(decodeCursor(text), undefined, what);
  }
});

t.test('the query hash ignores the order of repeated values but not the values', async (t) => {
  t.equal(queryHash({ level: ['warn', 'error'], q: 'x' }), queryHash({ q: 'x', level: ['error', 'warn'] }));
  t.equal(queryHash({ q: 'x', level: [] }), queryHash({ q: 'x' }), 'an empty list is no filter');
  t.not(queryHash({ q: 'x' }), queryHash({ q: 'y' }));
  t.not(queryHash({ q: 'x' }), queryHash({ q: 'x', from: '15m' }));
  t.not(queryHash({ resourceId: ['a'] }), queryHash({ traceId: ['a'] }), 'the parameter name counts');
  t.match(queryHash({}), /^[A-Za-z0-9_-]{16}$/);
});
