// Acceptance (issue 4): 200,000 events through the gateway; Elasticsearch and PostgreSQL each hold
// exactly the 200,000 ids the gateway acknowledged (the id sets compared, not counts), each once.
// A private pipeline (helpers/pipeline.ts) on the shared Kafka, Elasticsearch and PostgreSQL.
import t from 'tap';
import { makeEvent, startLoad } from './helpers/load.js';
import { Pipeline } from './helpers/pipeline.js';
import { expectStores } from './helpers/verify.js';

const EVENTS = 200_000;

t.setTimeout(600_000);

t.test('200,000 events through the gateway: both stores hold exactly their ids', async (t) => {
  const p = new Pipeline(t);
  await p.start();
  await Promise.all([p.startSink('elasticsearch'), p.startSink('postgres')]);

  const load = await startLoad({ url: p.gatewayUrl, count: EVENTS, event: (i) => makeEvent(p.names.topic, i), batchSize: 1000, clients: 4 }).done;
  const ids = new Set(load.ids);
  t.equal(ids.size, EVENTS, `the gateway acknowledged ${EVENTS} distinct ids`);
  t.comment(`load: ${load.requests} requests (${load.retries} retried) in ${(load.ms / 1000).toFixed(1)} s, ${Math.round(EVENTS / (load.ms / 1000))} events/s`);

  await expectStores(t, p, { elasticsearch: ids, postgres: ids }, 300_000);
  for (const s of p.sinks) t.equal(s.exit, undefined, `sink-${s.kind} still running`);
});
