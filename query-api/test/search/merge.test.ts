import type { LogEvent } from '@logpipe/schemas';
import t from 'tap';
import { comparePositions, mergePages } from '../../src/search/merge.js';

const hit = (id: string, timestamp: string, extra: Partial<LogEvent> = {}): LogEvent => ({
  id: `00000000-0000-4000-8000-${id.padStart(12, '0')}`,
  timestamp,
  receivedAt: timestamp,
  level: 'info',
  message: `m ${id}`,
  resourceId: 'r',
  ...extra,
});
const ids = (hits: LogEvent[]) => hits.map((h) => h.id.slice(-3).replace(/^0+/, ''));

t.test('the union, each id once, in (timestamp, id) order, cut to the limit', async (t) => {
  const es = [hit('5', '2026-11-29T10:00:02.000Z'), hit('3', '2026-11-29T10:00:01.000Z'), hit('1', '2026-11-29T10:00:01.000Z')];
  const pg = [hit('5', '2026-11-29T10:00:02.000Z'), hit('4', '2026-11-29T10:00:01.000Z'), hit('3', '2026-11-29T10:00:01.000Z')];
  t.same(ids(mergePages([es, pg], 'desc', 10).hits), ['5', '4', '3', '1']);
  t.same(mergePages([es, pg], 'desc', 3), { hits: [es[0], pg[1], es[1]], more: true }, 'cut: another page follows');
  t.same(ids(mergePages([[...es].reverse(), [...pg].reverse()], 'asc', 10).hits), ['1', '3', '4', '5']);
  t.notOk(mergePages([es, pg], 'desc', 4).more, 'exactly the limit: no more');
});

t.test('one store alone, or none', async (t) => {
  t.same(mergePages([], 'desc', 5), { hits: [], more: false });
  t.same(ids(mergePages([[hit('2', '2026-11-29T10:00:00.000Z'), hit('1', '2026-11-29T09:00:00.000Z')]], 'desc', 1).hits), ['2']);
});

t.test('timestamps compare as instants (years before 1000 and after 2286 too), ids as text', async (t) => {
  const early = hit('1', '0999-01-01T00:00:00.000Z');
  const late = hit('2', '9999-12-31T23:59:59.999Z');
  const mid = hit('3', '2026-01-01T00:00:00.000Z');
  t.same(ids(mergePages([[late, mid, early]], 'asc', 5).hits), ['1', '3', '2']);
  t.ok(comparePositions({ ms: 1, id: 'a' }, { ms: 1, id: 'b' }) < 0);
  t.ok(comparePositions({ ms: 2, id: 'a' }, { ms: 1, id: 'b' }) > 0);
  t.equal(comparePositions({ ms: 1, id: 'a' }, { ms: 1, id: 'a' }), 0);
});
