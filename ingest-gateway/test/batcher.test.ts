// The batcher alone, with a fake send: coalescing, limits, linger, failure and timeout propagation,
// admission control and the flush on close. No Kafka.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { Batcher, type BatcherOptions } from '../src/batcher.js';
import { GatewayError } from '../src/errors.js';

interface Item {
  id: string;
  bytes: number;
}

interface Call {
  items: Item[];
  resolve: () => void;
  reject: (err: Error) => void;
}

/** A batcher whose sends wait until the test resolves or rejects them (or auto-acknowledge). */
function harness(options: Partial<BatcherOptions<Item>> & { autoAck?: boolean } = {}) {
  const calls: Call[] = [];
  const { autoAck = false, ...rest } = options;
  const batcher = new Batcher<Item>({
    lingerMs: 5,
    maxBatchEvents: 1000,
    maxBatchBytes: 1_000_000,
    maxBatchesInFlight: 4,
    maxPendingBytes: 10_000_000,
    send: (items) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ items, resolve, reject });
        if (autoAck) resolve();
      }),
    ...rest,
  });
  return { batcher, calls };
}

const items = (prefix: string, n: number, bytes = 10): Item[] => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, bytes }));
const ids = (call: Call | undefined) => call?.items.map((i) => i.id);

/** Settles as 'resolved' / the error code, so a test can look at a promise without awaiting it. */
function track(p: Promise<void>) {
  const state: { value: string | undefined } = { value: undefined };
  p.then(
    () => (state.value = 'resolved'),
    (err: unknown) => (state.value = err instanceof GatewayError ? err.code : String(err)),
  );
  return state;
}

t.test('concurrent requests are coalesced into one send', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 20, autoAck: true });
  const requests = Array.from({ length: 10 }, (_, r) => batcher.submit(items(`r${r}-`, r + 1)));
  await Promise.all(requests);
  t.equal(calls.length, 1, 'one send for ten requests');
  t.equal(calls[0]?.items.length, 55, 'holding all their events');
  t.same(ids(calls[0])?.slice(0, 3), ['r0-0', 'r1-0', 'r1-1'], 'in arrival order');
});

t.test('linger: a lone event waits lingerMs, then goes', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 60, autoAck: true });
  const started = performance.now();
  const done = batcher.submit(items('a', 1));
  await sleep(20);
  t.equal(calls.length, 0, 'not sent before the linger');
  await done;
  t.equal(calls.length, 1);
  t.ok(performance.now() - started >= 55, 'sent after about lingerMs');
});

t.test('count limit: a full batch leaves at once, the rest after the linger', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 80, maxBatchEvents: 3, autoAck: true });
  const done = batcher.submit(items('a', 7));
  await sleep(0);
  t.same(calls.map((c) => c.items.length), [3, 3], 'two full batches sent without waiting');
  await done;
  t.same(calls.map((c) => c.items.length), [3, 3, 1], 'the remainder after the linger');
  t.same(calls.flatMap((c) => ids(c)), ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'], 'order kept');
});

t.test('byte limit: batches stay under maxBatchBytes; an oversized item goes alone', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 1, maxBatchBytes: 1000, autoAck: true });
  await batcher.submit([...items('a', 5, 400), { id: 'big', bytes: 5000 }, ...items('b', 1, 400)]);
  t.same(calls.map((c) => c.items.map((i) => i.bytes)), [[400, 400], [400, 400], [400], [5000], [400]]);
});

t.test('a request spanning batches resolves only when all of them are acknowledged', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 1, maxBatchEvents: 2 });
  const state = track(batcher.submit(items('a', 5)));
  await sleep(10);
  t.equal(calls.length, 3, 'three batches in flight');
  calls[2]?.resolve();
  calls[0]?.resolve();
  await sleep(1);
  t.equal(state.value, undefined, 'still waiting for the middle batch');
  calls[1]?.resolve();
  await sleep(1);
  t.equal(state.value, 'resolved');
});

t.test('a failed batch fails every request in it, and only those', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 1, maxBatchEvents: 4 });
  const a = track(batcher.submit(items('a', 2)));
  const b = track(batcher.submit(items('b', 2)));
  const c = track(batcher.submit(items('c', 4)));
  await sleep(10);
  t.same(calls.map(ids), [['a0', 'a1', 'b0', 'b1'], ['c0', 'c1', 'c2', 'c3']]);
  calls[0]?.reject(new Error('broker gone'));
  calls[1]?.resolve();
  await sleep(1);
  t.equal(a.value, 'GW_BROKER_UNAVAILABLE');
  t.equal(b.value, 'GW_BROKER_UNAVAILABLE');
  t.equal(c.value, 'resolved');
  t.equal(batcher.pendingBytes, 0, 'nothing left pending');
});

t.test('a request whose first batch fails gives back its queued events; they are never sent', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 1, maxBatchEvents: 2, maxBatchesInFlight: 1 });
  const a = track(batcher.submit(items('a', 5)));
  await sleep(5);
  t.equal(calls.length, 1, 'one batch in flight, the rest queued');
  calls[0]?.reject(new Error('not leader'));
  const b = track(batcher.submit(items('b', 1)));
  await sleep(10);
  t.equal(a.value, 'GW_BROKER_UNAVAILABLE');
  t.same(calls.slice(1).map(ids), [['b0']], 'a2..a4 were dropped, b0 went');
  calls[1]?.resolve();
  await sleep(1);
  t.equal(b.value, 'resolved');
});

t.test('a send that throws synchronously fails its batch like a rejection', async (t) => {
  const batcher = new Batcher<Item>({
    lingerMs: 0,
    maxBatchEvents: 10,
    maxBatchBytes: 10_000,
    maxBatchesInFlight: 1,
    maxPendingBytes: 10_000,
    send: () => {
      throw new Error('boom');
    },
  });
  await t.rejects(batcher.submit(items('a', 1)), { code: 'GW_BROKER_UNAVAILABLE' });
  t.equal(batcher.pendingBytes, 0);
});

t.test('maxBatchesInFlight: later events wait for a free slot and then go together', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 0, maxBatchesInFlight: 1 });
  const first = batcher.submit(items('a', 1));
  await sleep(1);
  const rest = [batcher.submit(items('b', 1)), batcher.submit(items('c', 2))];
  await sleep(10);
  t.equal(calls.length, 1, 'second batch waits for the slot');
  calls[0]?.resolve();
  await first;
  await sleep(1);
  t.same(ids(calls[1]), ['b0', 'c0', 'c1'], 'what queued meanwhile leaves as one batch');
  calls[1]?.resolve();
  await Promise.all(rest);
});

t.test('admission: bytes pending over maxPendingBytes are refused with GW_OVERLOADED until acknowledged', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 0, maxPendingBytes: 100 });
  const a = batcher.submit(items('a', 6, 10));
  t.equal(batcher.pendingBytes, 60);
  await t.rejects(batcher.submit(items('b', 5, 10)), { code: 'GW_OVERLOADED' }, '60 + 50 > 100');
  const c = batcher.submit(items('c', 4, 10));
  t.equal(batcher.pendingBytes, 100, 'exactly the limit is fine');
  await sleep(1);
  for (const call of calls) call.resolve();
  await Promise.all([a, c]);
  t.equal(batcher.pendingBytes, 0);
  await sleep(1);
  const d = batcher.submit(items('d', 5, 10));
  await sleep(1);
  calls.at(-1)?.resolve();
  await d;
});

t.test('timeout: a request not acknowledged in time fails; its queued events are dropped', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 0, maxBatchesInFlight: 1 });
  const a = track(batcher.submit(items('a', 1), { timeoutMs: 30 }));
  await sleep(1);
  const b = track(batcher.submit(items('b', 2), { timeoutMs: 30 }));
  const started = performance.now();
  await sleep(60);
  t.equal(a.value, 'GW_PRODUCE_TIMEOUT', 'in flight, timed out');
  t.equal(b.value, 'GW_PRODUCE_TIMEOUT', 'queued, timed out');
  t.ok(performance.now() - started < 200);
  t.equal(batcher.pendingBytes, 10, 'only the in-flight batch is still held');
  calls[0]?.resolve();
  await sleep(5);
  t.equal(calls.length, 1, 'b was never sent');
  t.equal(batcher.pendingBytes, 0);
});

t.test('close sends what is queued at once, waits for it, then refuses new requests', async (t) => {
  const { batcher, calls } = harness({ lingerMs: 10_000, autoAck: false });
  const a = track(batcher.submit(items('a', 3)));
  const closed = batcher.close();
  await sleep(1);
  t.equal(calls.length, 1, 'flushed without waiting for the linger');
  let done = false;
  void closed.then(() => (done = true));
  await sleep(5);
  t.notOk(done, 'close waits for the acknowledgement');
  calls[0]?.resolve();
  await closed;
  t.equal(a.value, 'resolved');
  await t.rejects(batcher.submit(items('b', 1)), { code: 'GW_SHUTTING_DOWN' });
});

t.test('close on an idle batcher resolves at once', async () => {
  const { batcher } = harness();
  await batcher.close();
});
