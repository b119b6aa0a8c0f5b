// Acceptance (issue 4): one event in 10,000 that Elasticsearch's mapping rejects — `metadata.seq` is a
// string where every other event of the same daily index has a number (mapped `long` by the first) —
// lands in the DLQ topic with the reason; the others are stored, the Elasticsearch sink keeps going, and
// PostgreSQL (jsonb) stores all of them. A private pipeline on the shared stack.
import t from 'tap';
import { eventually } from './helpers/child.js';
import { makeEvent, sameDayBase, startLoad } from './helpers/load.js';
import { Pipeline } from './helpers/pipeline.js';
import { expectStores } from './helpers/verify.js';

const EVENTS = 50_000;
const EVERY = 10_000;
/** Sent first and stored before the rest, so the day's index maps `metadata.seq` as a number. */
const SEED = 1000;
const isBad = (i: number) => i % EVERY === EVERY / 2;

t.setTimeout(300_000);

t.test('events the mapping rejects go to the DLQ with the reason; the rest are stored', async (t) => {
  const p = new Pipeline(t);
  await p.start();
  const [esSink] = await Promise.all([p.startSink('elasticsearch'), p.startSink('postgres')]);
  const base = sameDayBase();
  const event = (i: number) => {
    const e = makeEvent(p.names.topic, i, base);
    return isBad(i) ? { ...e, metadata: { ...e.metadata, seq: `seq-${i}` } } : e;
  };

  const started = Date.now();
  const seed = await startLoad({ url: p.gatewayUrl, count: SEED, event }).done;
  await eventually('the seed events in Elasticsearch', async () => (await p.esCount()) >= SEED, 60_000, 500);
  const rest = await startLoad({ url: p.gatewayUrl, first: SEED, count: EVENTS - SEED, event, batchSize: 1000, clients: 4 }).done;
  t.comment(`load: ${EVENTS} events acknowledged ${((Date.now() - started) / 1000).toFixed(1)} s after the first`);
  const ids = [...seed.ids, ...rest.ids];
  const bad = new Set(ids.filter((_, i) => isBad(i)));
  t.equal(bad.size, EVENTS / EVERY, `${bad.size} events with a conflicting metadata.seq`);
  const all = new Set(ids);
  const good = new Set(ids.filter((_, i) => !isBad(i)));

  await expectStores(t, p, { elasticsearch: good, postgres: all }, 180_000);

  const letters = await p.deadLetters();
  t.same(new Set(letters.map((l) => l.id)), bad, `the DLQ holds exactly the rejected events (${letters.length} records)`);
  const headers = new Set(letters.map((l) => JSON.stringify([l.headers.sink, l.headers.code, l.headers['source-topic']])));
  t.same([...headers], [JSON.stringify(['elasticsearch', 'document_parsing_exception', p.names.topic])], 'each by the Elasticsearch sink, with the error type as code and the source topic');
  const reasons = letters.map((l) => l.headers.reason ?? '');
  t.ok(reasons.every((r) => /failed to parse field \[metadata\.seq\] of type \[long\]/.test(r)), `each with the reason, e.g. ${reasons[0]}`);
  const [stored] = await p.sql<{ seq: string }[]>`select metadata->>'seq' as seq from ${p.sql(p.names.schema)}.logs where id = ${[...bad][0]!}::uuid`;
  t.match(stored?.seq, /^seq-\d+$/, 'PostgreSQL keeps the rejected event as sent');
  t.equal(esSink!.exit, undefined, 'the Elasticsearch sink is still running');
  t.equal(await esSink!.metric('logpipe_sink_records_dead_lettered_total'), letters.length, 'its metrics count the dead letters');
});
