import { Counter, Registry } from 'prom-client';
import t from 'tap';
import { buildHttpServer } from '../src/http-server.js';

t.test('healthz, readyz and metrics', async (t) => {
  const registry = new Registry();
  new Counter({ name: 'x_total', help: 'x', registers: [registry] }).inc();
  let consuming = false;
  let healthy = true;
  const app = buildHttpServer({ registry, isConsuming: () => consuming, storeHealthy: async () => healthy });
  t.teardown(() => app.close());

  t.equal((await app.inject('/healthz')).statusCode, 200);
  let res = await app.inject('/readyz');
  t.equal(res.statusCode, 503);
  t.same(res.json(), { status: 'not ready', kafka: false, store: true });
  consuming = true;
  res = await app.inject('/readyz');
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ready', kafka: true, store: true });
  healthy = false;
  t.equal((await app.inject('/readyz')).statusCode, 503);
  res = await app.inject('/metrics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/plain/);
  t.match(res.body, /x_total 1/);
});
