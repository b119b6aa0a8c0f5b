// Acceptance (issue 4): Elasticsearch stopped for a minute during load: the PostgreSQL sink keeps up
// meanwhile, the Elasticsearch sink catches up within two minutes of the restart, nothing is lost; then
// the same with PostgreSQL stopped. The stores stopped are a private Elasticsearch node and a private
// PostgreSQL server of this test (helpers/private-stores.ts); the shared ones are never touched. The
// load runs through the gateway for the whole minute, at a steady rate.
import t, { type Test } from 'tap';
import { eventually, sleep } from './helpers/child.js';
import { makeEvent, startLoad, type LoadResult } from './helpers/load.js';
import { Pipeline, type SinkKind } from './helpers/pipeline.js';
import { startPrivateElasticsearch, startPrivatePostgres, type PrivateStore } from './helpers/private-stores.js';
import { expectStores } from './helpers/verify.js';

const RATE_PER_SEC = 500;
/** Load before the stop, so the stopped store's sink is at work when its store goes. */
const BEFORE_MS = 5000;
const OUTAGE_MS = 60_000;
/** "Keeps up": the running store never holds fewer events than were acknowledged this long before. */
const KEEP_UP_MS = 10_000;
const CATCH_UP_MS = 120_000;

t.setTimeout(600_000);

/** How far behind the acknowledged load a store was, in ms of load: 0 if it held all acknowledged by then. */
function lagMs(load: LoadResult, at: number, stored: number): number {
  const oldestMissing = load.acks.find((a) => a.total > stored && a.at <= at);
  return oldestMissing ? at - oldestMissing.at : 0;
}

async function outage(t: Test, p: Pipeline, stopped: SinkKind, store: PrivateStore, first: number, expected: Set<string>): Promise<void> {
  const running: SinkKind = stopped === 'elasticsearch' ? 'postgres' : 'elasticsearch';
  const count = (running === 'postgres' ? p.pgCount : p.esCount).bind(p);
  const countStopped = (stopped === 'postgres' ? p.pgCount : p.esCount).bind(p);
  const events = (RATE_PER_SEC * (BEFORE_MS + OUTAGE_MS)) / 1000;
  const load = startLoad({ url: p.gatewayUrl, first, count: events, event: (i) => makeEvent(p.names.topic, i), batchSize: 250, clients: 2, ratePerSec: RATE_PER_SEC });
  await sleep(BEFORE_MS);

  const stoppedAt = performance.now();
  const how = await store.stop();
  t.comment(`${stopped} stopped (${how}) ${((performance.now() - stoppedAt) / 1000).toFixed(1)} s after the signal`);
  let worstLagMs = 0;
  while (performance.now() - stoppedAt < OUTAGE_MS) {
    await sleep(1000);
    const at = performance.now();
    const stored = await count();
    const lag = lagMs(load.progress, at, stored);
    if (at - stoppedAt > KEEP_UP_MS) worstLagMs = Math.max(worstLagMs, lag);
  }
  t.ok(worstLagMs <= KEEP_UP_MS, `${running} kept up while ${stopped} was stopped: at most ${(worstLagMs / 1000).toFixed(1)} s of load behind (bound ${KEEP_UP_MS / 1000} s)`);

  const restartAt = performance.now();
  await store.start();
  const upAt = performance.now();
  t.comment(`${stopped} answers again ${((upAt - restartAt) / 1000).toFixed(1)} s after its restart began`);
  const result = await load.done;
  for (const id of result.ids) expected.add(id);
  t.equal(expected.size, first + events, `the gateway acknowledged ${events} more distinct ids`);

  let caught = 0;
  await eventually(() => `${stopped} to catch up: ${caught} of ${expected.size}`, async () => (caught = await countStopped()) >= expected.size, CATCH_UP_MS + 30_000, 500);
  const caughtUpMs = performance.now() - upAt;
  t.ok(caughtUpMs <= CATCH_UP_MS, `sink-${stopped} caught up ${(caughtUpMs / 1000).toFixed(1)} s after ${stopped} answered again (${((performance.now() - restartAt) / 1000).toFixed(1)} s after its restart began; bound ${CATCH_UP_MS / 1000} s)`);
  await expectStores(t, p, { elasticsearch: expected, postgres: expected }, 60_000);
  for (const s of p.sinks) t.equal(s.exit, undefined, `sink-${s.kind} is the same process throughout`);
}

t.test('a store stopped for a minute during load', async (t) => {
  const [es, pg] = await Promise.all([startPrivateElasticsearch(t), startPrivatePostgres(t)]);
  const p = new Pipeline(t, { elasticsearchUrl: es.url, databaseUrl: pg.url });
  await p.start();
  await Promise.all([p.startSink('elasticsearch'), p.startSink('postgres')]);
  const expected = new Set<string>();
  await t.test('Elasticsearch stopped: PostgreSQL keeps up, Elasticsearch catches up, nothing lost', (t) => outage(t, p, 'elasticsearch', es, 0, expected));
  await t.test('PostgreSQL stopped: Elasticsearch keeps up, PostgreSQL catches up, nothing lost', (t) => outage(t, p, 'postgres', pg, expected.size, expected));
});
