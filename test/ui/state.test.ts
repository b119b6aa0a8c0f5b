// The UI's search state and its URL form (query-api/public/state.js): what a shared link or a reload
// brings back is exactly the search that was on screen, and its parameters are the API's.
import t from 'tap';
import {
  DEFAULT_FROM,
  boundMs,
  describeRange,
  emptyState,
  resolveRange,
  searchParams,
  stateFromSearch,
  stateToSearch,
  withFilter,
  withoutFilter,
} from '../../query-api/public/state.js';

t.test('a search survives the URL round trip', async (t) => {
  let state = { ...emptyState(), q: 'timeout "disk full" -level:debug', from: '2026-11-29T10:00:00.000Z', to: '2026-11-29T11:00:00.000Z' };
  state = withFilter(state, 'resourceId', 'api-1');
  state = withFilter(state, 'resourceId', 'db&x=1 #2');
  state = withFilter(state, 'level', 'error');
  state = withFilter(state, 'regex', 'time.?out');
  state = { ...state, limit: '25' };
  const search = stateToSearch(state);
  t.same(stateFromSearch(search), state);
  const params = new URLSearchParams(search);
  t.same(params.getAll('resourceId'), ['api-1', 'db&x=1 #2'], 'repeated values stay separate (the API ORs them)');
  t.equal(params.get('q'), state.q);
});

t.test('defaults and open bounds', async (t) => {
  t.same(stateFromSearch(''), emptyState());
  t.equal(stateFromSearch('').from, DEFAULT_FROM, 'no range in the URL means the default');
  t.equal(stateFromSearch('?from=').from, '', 'an explicit empty from is no lower bound');
  t.equal(stateToSearch(stateFromSearch('?from=')), '?from=', 'and stays so in the URL');
  t.equal(searchParams(stateFromSearch('?from=')).has('from'), false, 'and is left out of the API request');
  t.same(stateFromSearch('?level=warn&level=warn&level=').filters.level, ['warn'], 'duplicates and empty values are dropped');
  t.equal(stateFromSearch('?limit=5000').limit, '', 'a page size the API refuses is not kept');
  t.equal(searchParams(stateFromSearch('?limit=5')).has('limit'), false, 'paging is added per request, not part of the search');
  t.equal(searchParams(emptyState(), { withRange: false }).toString(), '', 'the tail asks without a range');
});

t.test('filters add once and remove', async (t) => {
  const a = withFilter(emptyState(), 'traceId', 'abc');
  t.equal(withFilter(a, 'traceId', 'abc'), a, 'adding a value twice changes nothing');
  t.equal(withFilter(a, 'unknown', 'x'), a, 'unknown fields are ignored');
  t.same(withoutFilter(a, 'traceId', 'abc').filters.traceId, []);
});

t.test('ranges resolve against now', async (t) => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  t.equal(boundMs('15m', now), now - 15 * 60_000);
  t.equal(boundMs('7d', now), now - 7 * 86_400_000);
  t.equal(boundMs('2026-11-29T11:00:00Z', now), now - 3_600_000);
  t.equal(boundMs('', now), undefined);
  t.same(resolveRange({ ...emptyState(), from: '1h' }, now), { fromMs: now - 3_600_000, toMs: now });
  t.equal(describeRange({ ...emptyState(), from: '24h' }), 'Last 24h');
});
