// One store down (the app pointed at a dead port, or its connections cut by a proxy — the shared services
// keep running): searches, histograms and stats answer from the other with partial: true, never a 5xx;
// both down is a 503 naming each store's reason.
import type { LogEvent } from '@logpipe/schemas';
import t, { type Test } from 'tap';
import { createKey, get, startApp } from '../helpers/app.js';
import { createDataset, makeEvent, type Dataset } from '../helpers/dataset.js';
import { databaseUrl } from '../helpers/services.js';
import { startProxy } from '../helpers/tcp-proxy.js';

interface Body {
  hits: LogEvent[];
  total: number;
  partial: boolean;
  sources: Record<string, { ok: boolean; error?: string; count: number }>;
  stores: Record<string, { ok: boolean; error?: string; count?: number }>;
  error?: { code: string; message: string; sources?: Record<string, { ok: boolean }> };
}

const DEAD = 'http://127.0.0.1:1';
const DEAD_PG = 'postgres://logs:logs@127.0.0.1:1/logs';
let ds: Dataset;
let events: LogEvent[];

t.before(async () => {
  ds = await createDataset(t);
  const base = Date.now() - 600_000;
  events = Array.from({ length: 30 }, (_, i) => makeEvent({ message: `outage check ${i}`, resourceId: 'outage-1', timestamp: new Date(base + i * 1000).toISOString() }));
  await ds.add(events);
});

async function readEverything(t: Test, app: Awaited<ReturnType<typeof startApp>>, key: string, down: 'elasticsearch' | 'postgres'): Promise<void> {
  const up = down === 'postgres' ? 'elasticsearch' : 'postgres';
  const started = Date.now();
  const search = await get<Body>(app.app, '/api/search', key, { q: 'outage', limit: 100 });
  t.equal(search.status, 200, `search answers (${Date.now() - started} ms)`);
  t.equal(search.body.partial, true, 'partial: true');
  t.equal(search.body.hits.length, events.length, `every event, from ${up}`);
  t.match(search.body.sources, { [up]: { ok: true }, [down]: { ok: false, error: String } });
  t.comment(`${down}: ${search.body.sources[down]?.error}`);
  const paged = await get<Body & { nextCursor: string }>(app.app, '/api/search', key, { q: 'outage', limit: 10 });
  const next = await get<Body>(app.app, '/api/search', key, { q: 'outage', limit: 10, cursor: paged.body.nextCursor });
  t.equal(next.status, 200, 'paging works on one store');
  t.equal(next.body.hits.length, 10);
  const hist = await get<Body>(app.app, '/api/histogram', key, { q: 'outage', from: '1h' });
  t.equal(hist.status, 200, 'histogram answers');
  t.match(hist.body, { partial: true, total: events.length });
  const stats = await get<Body>(app.app, '/api/stats', key);
  t.equal(stats.status, 200, 'stats answer');
  t.match(stats.body.stores, { [up]: { ok: true }, [down]: { ok: false } });
  const only = await get<Body>(app.app, '/api/search', key, { q: 'outage', source: down });
  t.equal(only.status, 503, `source=${down} alone: 503`);
  t.equal(only.body.error?.code, 'QRY_STORES_UNAVAILABLE');
  const ready = await get(app.app, '/readyz', undefined);
  t.not(ready.status, 500);
}

t.test('Elasticsearch unreachable: answers from PostgreSQL with partial: true', async (t) => {
  const app = await startApp(t, { schema: ds.schema, alias: ds.alias, env: { ELASTICSEARCH_URL: DEAD } });
  await app.services.keysReady;
  const reader = await createKey(app, 'reader');
  await readEverything(t, app, reader.key, 'elasticsearch');
});

t.test('PostgreSQL unreachable from the start: answers from Elasticsearch; LOGS_ADMIN_KEY still works', async (t) => {
  const app = await startApp(t, { schema: ds.schema, alias: ds.alias, env: { DATABASE_URL: DEAD_PG } });
  await readEverything(t, app, app.adminKey, 'postgres');
  const unknown = await get<Body>(app.app, '/api/search', 'lpk_neverseen00000000000000000000000000000000');
  t.equal(unknown.status, 503, 'a key nobody can check: 503, not a guess');
  t.equal(unknown.body.error?.code, 'QRY_KEYS_UNAVAILABLE');
  const keys = await get<Body>(app.app, '/api/keys', app.adminKey);
  t.equal(keys.status, 503, 'key management needs PostgreSQL');
});

t.test('PostgreSQL lost while running: keys seen before keep working, searches answer from Elasticsearch', async (t) => {
  const url = new URL(databaseUrl);
  const proxy = await startProxy(url.hostname, Number(url.port || 5432));
  url.port = String(proxy.port);
  const app = await startApp(t, { schema: ds.schema, alias: ds.alias, env: { DATABASE_URL: url.href } });
  await app.services.keysReady;
  const reader = await createKey(app, 'reader');
  t.equal((await get(app.app, '/api/search', reader.key, { q: 'outage' })).status, 200);
  await proxy.cut();
  await readEverything(t, app, reader.key, 'postgres');
});

t.test('both stores unreachable: 503 with each reason', async (t) => {
  const app = await startApp(t, { schema: ds.schema, alias: ds.alias, env: { DATABASE_URL: DEAD_PG, ELASTICSEARCH_URL: DEAD } });
  const res = await get<Body>(app.app, '/api/search', app.adminKey, { q: 'outage' });
  t.equal(res.status, 503);
  t.match(res.body.error, { code: 'QRY_STORES_UNAVAILABLE', message: /Elasticsearch is not reachable; PostgreSQL is not reachable/, sources: { elasticsearch: { ok: false }, postgres: { ok: false } } });
  t.match(res.headers['retry-after'], /^\d+$/);
  const ready = await get(app.app, '/readyz', undefined);
  t.equal(ready.status, 503, 'not ready');
});
