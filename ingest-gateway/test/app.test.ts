// buildApp's wiring: shutdown drains what is in flight and refuses new work in the gateway's own
// format; logs never carry event bodies.
import t from 'tap';
import { MemorySink, capturedLogger, event, testApp } from './helpers/app.js';

const json = { 'content-type': 'application/json' };

t.test('close: a request waiting in the batcher is sent at once and answered 202', async (t) => {
  const sink = new MemorySink();
  // A linger longer than the test: only the drain on close can send this request's event.
  const { app } = testApp({ sink, config: { lingerMs: 60_000, produceTimeoutMs: 60_000 } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const pending = fetch(`http://127.0.0.1:${port}/logs`, { method: 'POST', headers: json, body: JSON.stringify(event()) });
  await new Promise((r) => setTimeout(r, 100));
  t.equal(sink.records.length, 0, 'still lingering');
  const started = performance.now();
  const closing = app.close();
  const res = await pending;
  await closing;
  t.equal(res.status, 202);
  t.equal(res.headers.get('connection'), 'close', 'the client is told the connection ends');
  t.equal(sink.records.length, 1);
  t.ok(performance.now() - started < 2000, `closed in ${Math.round(performance.now() - started)} ms, not after the linger or a keep-alive timeout`);
});

t.test('while closing: requests in flight finish, new connections are refused', async (t) => {
  const sink = new MemorySink();
  let release: () => void = () => {};
  sink.behaviour = () => new Promise<void>((resolve) => (release = resolve));
  const { app } = testApp({ sink });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const first = fetch(`${url}/logs`, { method: 'POST', headers: json, body: JSON.stringify(event()) });
  while (sink.batches.length === 0) await new Promise((r) => setTimeout(r, 5));
  const closing = app.close();
  await new Promise((r) => setTimeout(r, 20));
  await t.rejects(fetch(`${url}/readyz`), 'no new connection is accepted');
  release();
  t.equal((await first).status, 202, 'the request in flight still got its 202');
  await closing;
});

t.test('logs never contain event bodies', async (t) => {
  const { logger, lines } = capturedLogger();
  const sink = new MemorySink();
  let fail = true;
  sink.behaviour = async () => {
    if (fail) throw new Error('broker down');
  };
  const { app } = testApp({ sink, logger });
  const secret = 'card=4111111111111111';
  await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event({ message: secret }) });
  fail = false;
  await app.inject({ method: 'POST', url: '/logs', headers: json, payload: event({ message: secret }) });
  await app.inject({ method: 'POST', url: '/logs', headers: json, payload: `{"message": "${secret}", ` });
  t.match(lines(), /batch not acknowledged/, 'the failure was logged');
  t.notMatch(lines(), secret);
});
