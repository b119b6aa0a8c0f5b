// GET /api/histogram against the real stores: both stores bucket alike (same origin), the range and
// interval rules, and the merge of two stores that disagree.
import t from 'tap';
import { get, startApp, type TestApp } from '../helpers/app.js';
import { createDataset, makeEvent, type Dataset } from '../helpers/dataset.js';

interface HistogramBody {
  interval: string;
  intervalMs: number;
  from: string;
  to: string;
  buckets: { timestamp: string; count: number }[];
  total: number;
  partial: boolean;
  sources: Record<string, { ok: boolean; count: number }>;
  error?: { code: string; message: string; items: { param: string }[] };
}

let ds: Dataset;
let api: TestApp;
// A fixed hour in the recent past, so bucket boundaries are known: 10:00 UTC yesterday.
const hour = new Date(Date.now() - 86_400_000);
hour.setUTCHours(10, 0, 0, 0);
const at = (minute: number, second = 0, ms = 0) => new Date(hour.getTime() + minute * 60_000 + second * 1000 + ms).toISOString();

t.before(async () => {
  ds = await createDataset(t);
  const events = [
    // 10:00–10:04:59.999 → 3 events, the last at the very end of the bucket
    makeEvent({ message: 'hist a', timestamp: at(0) }),
    makeEvent({ message: 'hist a', timestamp: at(2, 30) }),
    makeEvent({ message: 'hist a', timestamp: at(4, 59, 999) }),
    // 10:05 exactly → the next bucket
    makeEvent({ message: 'hist a', timestamp: at(5) }),
    // 10:15–10:20
    makeEvent({ message: 'hist a', level: 'error', timestamp: at(17) }),
    makeEvent({ message: 'hist b', timestamp: at(18) }),
  ];
  await ds.add(events);
  api = await startApp(t, { schema: ds.schema, alias: ds.alias });
  await api.services.keysReady;
});

const range = { from: at(0), to: at(29, 59, 999) };

t.test('every bucket of the range, counted alike by both stores', async (t) => {
  const expected = [3, 1, 0, 2, 0, 0];
  for (const source of ['elasticsearch', 'postgres', 'both']) {
    const res = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, { ...range, interval: '5m', source });
    t.equal(res.status, 200, source);
    t.same(res.body.buckets.map((b) => b.count), expected, `${source}: buckets`);
    t.equal(res.body.buckets[0]?.timestamp, at(0), 'the first bucket starts on the interval');
    t.match(res.body, { interval: '5m', intervalMs: 300_000, total: 6, partial: false, from: range.from, to: range.to });
  }
  const filtered = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, { ...range, interval: '5m', q: 'hist -b', level: ['info'] });
  t.same(filtered.body.buckets.map((b) => b.count), [3, 1, 0, 0, 0, 0], 'the same filters as a search');
});

t.test('the interval is chosen when not given', async (t) => {
  const res = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, range);
  t.equal(res.body.interval, '30s', '30 minutes → 30 s buckets');
  t.equal(res.body.buckets.length, 60);
  t.equal(res.body.total, 6);
  const day = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, {});
  t.equal(day.body.interval, '30m', 'default: the last 24 hours');
  t.equal(Date.parse(day.body.to) - Date.parse(day.body.from), 86_400_000);
});

t.test('source=both takes the larger count per bucket when the stores disagree', async (t) => {
  // Two more events in PostgreSQL only (Elasticsearch lagging), one in Elasticsearch only.
  await ds.add([makeEvent({ message: 'hist c', timestamp: at(21) }), makeEvent({ message: 'hist c', timestamp: at(22) })], 'postgres');
  await ds.add([makeEvent({ message: 'hist c', timestamp: at(26) })], 'elasticsearch');
  const res = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, { ...range, interval: '5m', q: 'hist' });
  t.same(res.body.buckets.map((b) => b.count), [3, 1, 0, 2, 2, 1]);
  t.match(res.body.sources, { elasticsearch: { ok: true, count: 7 }, postgres: { ok: true, count: 8 } });
});

t.test('bad ranges and intervals name the parameter', async (t) => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ interval: '5 minutes' }, 'interval', /number with a unit/],
    [{ interval: '1ms', from: '7d' }, 'interval', /buckets over this range; at most 1000/],
    [{ from: at(10), to: at(0) }, 'from', /is after to/],
  ];
  for (const [query, param, message] of cases) {
    const res = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, query);
    t.equal(res.status, 400, JSON.stringify(query));
    t.match(res.body.error, { code: 'QRY_INVALID_PARAMS', items: [{ param }], message }, JSON.stringify(query));
  }
  const badTime = await get<HistogramBody>(api.app, '/api/histogram', api.adminKey, { from: 'yesterday' });
  t.equal(badTime.status, 400);
  t.match(badTime.body.error, { code: 'QRY_INVALID_QUERY', items: [{ param: 'from' }] });
});
