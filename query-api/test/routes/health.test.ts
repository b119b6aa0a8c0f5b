// The open routes: /healthz, /readyz (a store and the tail consumer), /metrics (what is counted).
import t from 'tap';
import { get, startApp } from '../helpers/app.js';
import { createDataset } from '../helpers/dataset.js';

t.test('healthz, readyz and metrics', async (t) => {
  const ds = await createDataset(t);
  const api = await startApp(t, { schema: ds.schema, alias: ds.alias, waitForTail: true });
  t.same((await get(api.app, '/healthz', undefined)).body, { status: 'ok' });
  const ready = await get(api.app, '/readyz', undefined);
  t.equal(ready.status, 200);
  t.same(ready.body, { status: 'ready', checks: { elasticsearch: true, postgres: true, tail: true } });

  await get(api.app, '/api/search', api.adminKey, { q: 'anything' });
  await get(api.app, '/api/search', undefined);
  const metrics = await get<{ text: string }>(api.app, '/metrics', undefined);
  t.match(metrics.headers['content-type'], /^text\/plain/);
  const text = metrics.body.text;
  t.match(text, /logpipe_query_requests_total\{route="\/api\/search",status="200"\} 1/);
  t.match(text, /logpipe_query_requests_total\{route="\/api\/search",status="401"\} 1/);
  t.match(text, /logpipe_query_store_duration_seconds_count\{store="elasticsearch",kind="search",outcome="ok"\} 1/);
  t.match(text, /logpipe_query_store_duration_seconds_count\{store="postgres",kind="search",outcome="ok"\} 1/);
  t.match(text, /logpipe_query_auth_failures_total\{code="QRY_MISSING_KEY"\} 1/);
  t.match(text, /logpipe_query_tail_subscribers 0/);
  t.match(text, /logpipe_query_partial_total/);
  t.notMatch(text, new RegExp(api.adminKey), 'no key in the metrics');
});

t.test('readyz fails while the tail has not joined Kafka', async (t) => {
  const ds = await createDataset(t);
  const api = await startApp(t, { schema: ds.schema, alias: ds.alias, env: { KAFKA_BROKERS: '127.0.0.1:1', KAFKA_CONNECTION_TIMEOUT_MS: '100' } });
  const ready = await get<{ error: { code: string; checks: Record<string, boolean> } }>(api.app, '/readyz', undefined);
  t.equal(ready.status, 503);
  t.match(ready.body.error, { code: 'QRY_NOT_READY', checks: { elasticsearch: true, postgres: true, tail: false } });
  const tail = await get<{ error: { code: string } }>(api.app, '/api/tail', api.adminKey);
  t.equal(tail.status, 503);
  t.equal(tail.body.error.code, 'QRY_TAIL_UNAVAILABLE');
  const stats = await get<{ lag: Record<string, { ok: boolean; error: string }> }>(api.app, '/api/stats', api.adminKey);
  t.equal(stats.status, 200, 'stats still answer');
  t.match(stats.body.lag['sink-postgres'], { ok: false, error: String });
});
