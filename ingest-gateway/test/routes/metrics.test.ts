import t from 'tap';
import { event, testApp } from '../helpers/app.js';

t.test('metrics: accepted, rejected by code, produce latency, batch sizes, in-flight bytes', async (t) => {
  const { app } = testApp();
  await app.inject({ method: 'POST', url: '/logs', headers: { 'content-type': 'application/json' }, payload: [event(), event(), event()] });
  await app.inject({ method: 'POST', url: '/logs', headers: { 'content-type': 'application/json' }, payload: '[]' });
  const res = await app.inject('/metrics');
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.match(res.body, /^logpipe_gateway_events_accepted_total 3$/m);
  t.match(res.body, /^logpipe_gateway_requests_rejected_total\{code="GW_EMPTY_BATCH"\} 1$/m);
  t.match(res.body, /^logpipe_gateway_produce_duration_seconds_count\{outcome="ok"\} 1$/m);
  t.match(res.body, /^logpipe_gateway_batch_events_sum 3$/m);
  t.match(res.body, /^logpipe_gateway_batch_bytes_count 1$/m);
  t.match(res.body, /^logpipe_gateway_in_flight_bytes 0$/m);
});
