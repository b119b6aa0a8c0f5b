import t from 'tap';
import { MemorySink, testApp } from '../helpers/app.js';

t.test('healthz answers while the process runs; readyz follows the sink', async (t) => {
  const sink = new MemorySink();
  const { app } = testApp({ sink, config: { retryAfterSeconds: 3 } });
  t.same((await app.inject('/healthz')).json(), { status: 'ok' });
  t.same((await app.inject('/readyz')).json(), { status: 'ready' });
  sink.ready = false;
  const res = await app.inject('/readyz');
  t.equal(res.statusCode, 503);
  t.equal(res.json().error.code, 'GW_NOT_READY');
  t.equal(res.headers['retry-after'], '3');
  t.equal((await app.inject('/healthz')).statusCode, 200, 'healthz does not depend on Kafka');
});
