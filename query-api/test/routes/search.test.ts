// GET /api/search against the real stores: 10,000 matching events (among others) paged 100 at a time in
// both directions from each source, the union of stores that disagree, cursor rules, parameter errors, and
// query text that must never be interpreted by a backend.
import type { LogEvent } from '@logpipe/schemas';
import t from 'tap';
import { get, startApp, type TestApp } from '../helpers/app.js';
import { createDataset, makeEvent, type Dataset } from '../helpers/dataset.js';

interface SearchBody {
  hits: LogEvent[];
  nextCursor: string | null;
  partial: boolean;
  sources: Record<string, { ok: boolean; count: number; error?: string }>;
  error?: { code: string; message: string; items?: { param: string; message: string; position?: number }[] };
}

const MATCHING = 10_000;
let ds: Dataset;
let api: TestApp;
let matching: LogEvent[];

t.before(async () => {
  ds = await createDataset(t);
  // Four events per millisecond, so the id breaks ties on every page; the others differ in one filter each.
  const base = Date.now() - 3 * 3_600_000;
  matching = Array.from({ length: MATCHING }, (_, i) =>
    makeEvent({ message: `paged event number ${i} of the run`, level: i % 3 === 0 ? 'warn' : 'info', resourceId: `pager-${i % 7}`, timestamp: new Date(base + Math.floor(i / 4) * 1000).toISOString() }),
  );
  const others = [
    ...Array.from({ length: 300 }, (_, i) => makeEvent({ message: `paged event number ${i} of the run`, level: 'error', resourceId: 'pager-1', timestamp: new Date(base + i * 1000).toISOString() })),
    ...Array.from({ length: 300 }, (_, i) => makeEvent({ message: `unrelated event ${i}`, level: 'info', resourceId: 'pager-2', timestamp: new Date(base + i * 1000).toISOString() })),
  ];
  await ds.add([...matching, ...others]);
  api = await startApp(t, { schema: ds.schema, alias: ds.alias });
  await api.services.keysReady;
});

const filters = { q: 'paged', level: ['info', 'warn'] };

async function pageAll(source: string, order: 'asc' | 'desc'): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: { status: number; body: SearchBody } = await get<SearchBody>(api.app, '/api/search', api.adminKey, { ...filters, limit: 100, order, source, ...(cursor ? { cursor } : {}) });
    if (res.status !== 200 || res.body.partial) throw new Error(`page ${pages}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    ids.push(...res.body.hits.map((h) => h.id));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null && pages < 200);
  return { ids, pages };
}

for (const source of ['both', 'elasticsearch', 'postgres']) {
  t.test(`paging ${MATCHING} events 100 at a time, source=${source}: each id once, in order, both ways`, async (t) => {
    const ascending = [...matching].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((e) => e.id);
    const started = Date.now();
    const desc = await pageAll(source, 'desc');
    const asc = await pageAll(source, 'asc');
    t.comment(`source=${source}: 2 × ${desc.pages} pages in ${Date.now() - started} ms`);
    t.equal(desc.pages, 100, '100 pages, the last one says no more');
    t.equal(new Set(desc.ids).size, MATCHING, 'no id twice');
    t.same(desc.ids, [...ascending].reverse(), 'desc: every matching id, newest first, ties by id');
    t.same(asc.ids, ascending, 'asc: the same, oldest first');
  });
}

t.test('hits are the events as stored, identical from both stores', async (t) => {
  const rich = makeEvent({
    message: 'rich event with every field',
    resourceId: 'rich-1',
    traceId: 'trace-1',
    spanId: 'span-1',
    commit: 'abc123',
    metadata: { parentResourceId: 'cluster-1', n: 42, f: 1.5, ok: true, s: 'naïve ✓' },
  });
  await ds.add([rich]);
  const es = await get<SearchBody>(api.app, '/api/search', api.adminKey, { resourceId: 'rich-1', source: 'elasticsearch' });
  const pg = await get<SearchBody>(api.app, '/api/search', api.adminKey, { resourceId: 'rich-1', source: 'postgres' });
  t.same(es.body.hits, [rich]);
  t.same(pg.body.hits, [rich]);
  t.same(Object.keys(pg.body.hits[0] ?? {}), Object.keys(es.body.hits[0] ?? {}), 'same keys in the same order');
});

t.test('source=both is the union: an event one store lacks is there, one both have is there once', async (t) => {
  const onlyPg = makeEvent({ message: 'union check', resourceId: 'union-1' });
  const onlyEs = makeEvent({ message: 'union check', resourceId: 'union-1' });
  const both = makeEvent({ message: 'union check', resourceId: 'union-1' });
  await ds.add([onlyPg], 'postgres');
  await ds.add([onlyEs], 'elasticsearch');
  await ds.add([both]);
  const res = await get<SearchBody>(api.app, '/api/search', api.adminKey, { resourceId: 'union-1' });
  t.same(res.body.hits.map((h) => h.id).sort(), [onlyPg.id, onlyEs.id, both.id].sort());
  t.match(res.body, { partial: false, sources: { elasticsearch: { ok: true, count: 2 }, postgres: { ok: true, count: 2 } } });
});

t.test('a cursor is refused with another query or order, and when edited', async (t) => {
  const first = await get<SearchBody>(api.app, '/api/search', api.adminKey, { ...filters, limit: 10 });
  const cursor = first.body.nextCursor ?? '';
  t.ok(cursor);
  const other = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q: 'paged', level: 'info', limit: 10, cursor });
  t.equal(other.status, 400);
  t.equal(other.body.error?.code, 'QRY_INVALID_CURSOR');
  t.match(other.body.error?.message, /another query/);
  const flipped = await get<SearchBody>(api.app, '/api/search', api.adminKey, { ...filters, limit: 10, order: 'asc', cursor });
  t.match(flipped.body.error, { code: 'QRY_INVALID_CURSOR', message: /order=desc/ });
  const edited = await get<SearchBody>(api.app, '/api/search', api.adminKey, { ...filters, limit: 10, cursor: `${cursor.slice(0, -4)}AAAA` });
  t.equal(edited.body.error?.code, 'QRY_INVALID_CURSOR');
  const same = await get<SearchBody>(api.app, '/api/search', api.adminKey, { level: ['warn', 'info'], q: 'paged', limit: 25, cursor });
  t.equal(same.status, 200, 'another page size and the repeated values in another order are the same query');
  t.equal(same.body.hits.length, 25);
});

t.test('parameter errors name the parameter', async (t) => {
  const cases: [Record<string, string | string[] | number>, string, RegExp][] = [
    [{ limit: 0 }, 'limit', /must be >= 1/],
    [{ limit: 1001 }, 'limit', /must be <= 1000/],
    [{ limit: 'ten' }, 'limit', /integer/],
    [{ order: 'sideways' }, 'order', /one of desc, asc/],
    [{ source: 'mysql' }, 'source', /one of both, elasticsearch, postgres/],
    [{ levle: 'error' }, 'levle', /unknown parameter/],
  ];
  for (const [query, param, message] of cases) {
    const res = await get<SearchBody>(api.app, '/api/search', api.adminKey, query);
    t.equal(res.status, 400, JSON.stringify(query));
    t.match(res.body.error, { code: 'QRY_INVALID_PARAMS', items: [{ param, message }] }, JSON.stringify(query));
  }
  const bad = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q: 'level:loud' });
  t.match(bad.body.error, { code: 'QRY_INVALID_QUERY', items: [{ param: 'q', position: Number }] }, 'a query error has its position');
  const field = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q: 'nosuchfield:x' });
  t.match(field.body.error, { code: 'QRY_INVALID_QUERY', items: [{ param: 'q', position: 0 }] });
});

t.test('text that looks like SQL, Elasticsearch JSON or Lucene is searched for literally', async (t) => {
  const texts = [
    `x'; drop table logs; --`,
    `{"query":{"match_all":{}}}`,
    `title:foo~2 AND a&&b || c`,
    `1=1 OR 'a'='a'`,
    `$1 $$ \\x00 %s %n`,
  ];
  const events = texts.map((message) => makeEvent({ message: `literal check: ${message}`, resourceId: 'literal-1' }));
  const decoy = makeEvent({ message: 'literal check decoy with nothing special', resourceId: 'literal-1' });
  await ds.add([...events, decoy]);
  for (const [i, text] of texts.entries()) {
    // As the message parameter (a phrase of its words) and as a quoted phrase in q.
    const asParam = await get<SearchBody>(api.app, '/api/search', api.adminKey, { resourceId: 'literal-1', message: text });
    t.equal(asParam.status, 200, text);
    t.same(asParam.body.hits.map((h) => h.id), [events[i]?.id], `message=${text}`);
    t.notOk(asParam.body.partial);
    const quoted = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q: `resourceId:literal-1 "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` });
    t.equal(quoted.status, 200, `q="${text}"`);
    t.same(quoted.body.hits.map((h) => h.id), [events[i]?.id], `q="${text}"`);
  }
  const sqlAsQ = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q: `' OR 1=1 --`, resourceId: 'literal-1' });
  t.ok(sqlAsQ.status === 200 || sqlAsQ.status === 400, 'bare SQL in q is words or a syntax error');
  if (sqlAsQ.status === 200) t.ok(sqlAsQ.body.hits.length <= 2, 'never every event');
  const stillThere = await get<SearchBody>(api.app, '/api/search', api.adminKey, { resourceId: 'literal-1', limit: 100 });
  t.equal(stillThere.body.hits.length, texts.length + 1, 'the table is still there');
});

t.test('a catastrophic-backtracking regex answers within 2 s and stalls nothing', async (t) => {
  await ds.add([makeEvent({ message: `${'a'.repeat(40)}!`, resourceId: 'regex-1' }), makeEvent({ message: 'aaa', resourceId: 'regex-1' })]);
  for (const q of ['message:/(a+)+$/', 'message:/(a|aa)+b/', 'message:/((a*)*)*c/', 'resourceId:/(.*a){20}/']) {
    const started = Date.now();
    const res = await get<SearchBody>(api.app, '/api/search', api.adminKey, { q });
    const elapsed = Date.now() - started;
    t.comment(`${q}: ${res.status} in ${elapsed} ms${res.body.partial ? ' (partial)' : ''} ${res.body.error?.message ?? ''}`);
    t.ok(res.status === 200 || res.status === 400, `${q}: ${res.status} ${res.body.error?.message ?? ''}`);
    t.ok(elapsed < 2000, `${q}: answered in ${elapsed} ms`);
    const health = await get(api.app, '/healthz', undefined);
    t.equal(health.status, 200, 'the process still answers');
  }
});
