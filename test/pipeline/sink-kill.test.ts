// Acceptance (issue 4): `kill -9` of the sink processes at five random moments during a 100,000-event
// load, each time restarted; both stores end with exactly the 100,000 acknowledged ids and no id twice.
// At each moment the Elasticsearch and the PostgreSQL sink process are both killed (SIGKILL: no drain,
// no commit, no leaving the group) and a new process of each is started at once. A kill that finds a
// process still starting waits until it holds records, so each one interrupts real work; a kill may so come
// after the last POST, but never after its store held all the events. A private pipeline on the shared stack.
import t from 'tap';
import { eventually, sleep } from './helpers/child.js';
import { makeEvent, startLoad } from './helpers/load.js';
import { Pipeline, type SinkKind, type SinkProcess } from './helpers/pipeline.js';
import { expectStores } from './helpers/verify.js';

const EVENTS = 100_000;
const KILLS = 5;
/** Paced so the load lasts long enough for five kills that each find a process at work. */
const RATE_PER_SEC = 1100;
const LOAD_MS = (EVENTS / RATE_PER_SEC) * 1000;
/**
 * Least time between two kills: a restarted process gets its partitions once the group gives up on the
 * killed one (KAFKA_SESSION_TIMEOUT_MS, 10 s), then needs a moment to fetch and write.
 */
const MIN_GAP_MS = 12_000;

/** KILLS moments in (2 s, LOAD_MS − 2 s), uniformly random subject to MIN_GAP_MS between them. */
function killMoments(): number[] {
  const slack = LOAD_MS - 4000 - MIN_GAP_MS * (KILLS - 1);
  const offsets = Array.from({ length: KILLS }, () => Math.random() * slack).sort((a, b) => a - b);
  return offsets.map((o, k) => 2000 + o + k * MIN_GAP_MS);
}

t.setTimeout(420_000);

t.test('kill -9 of the sinks at five random moments of the load: exactly once in both stores', async (t) => {
  const p = new Pipeline(t);
  await p.start();
  const [elasticsearch, postgres] = await Promise.all([p.startSink('elasticsearch'), p.startSink('postgres')]);
  const current: Record<SinkKind, SinkProcess> = { elasticsearch: elasticsearch!, postgres: postgres! };

  const moments = killMoments();
  const load = startLoad({ url: p.gatewayUrl, count: EVENTS, event: (i) => makeEvent(p.names.topic, i), batchSize: 500, clients: 4, ratePerSec: RATE_PER_SEC });
  const loadStarted = performance.now();
  const kills: string[] = [];
  const killAndRestart = async (kind: SinkKind, moment: number) => {
    const victim = current[kind];
    // The moment is random, but a process still starting or joining has nothing to lose: the kill waits
    // until the process holds records (consumed, being written or written), so every kill hits one at work.
    let consumed: number | undefined;
    await eventually(`sink-${kind} pid ${victim.pid} to hold records`, async () => {
      consumed = victim.hasJoined() ? await victim.metric('logpipe_sink_records_consumed_total', 3000) : undefined;
      return (consumed ?? 0) > 0;
    }, 60_000, 200);
    const stored = await victim.metric('logpipe_sink_records_stored_total', 3000);
    const killedAt = performance.now() - loadStarted;
    victim.kill('SIGKILL');
    t.equal(await victim.exited, 'SIGKILL', `sink-${kind} killed at ${(killedAt / 1000).toFixed(1)} s`);
    const inStore = kind === 'postgres' ? await p.pgCount() : await p.esCount();
    t.ok(inStore < EVENTS, `... while its store held ${inStore} of the ${EVENTS} events`);
    const acked = load.progress.acks.at(-1)?.total ?? 0;
    kills.push(`${(killedAt / 1000).toFixed(1)} s (drawn ${(moment / 1000).toFixed(1)} s): sink-${kind} pid ${victim.pid} had consumed ${consumed}, stored ${stored ?? '(no answer)'}; ${acked} acknowledged, ${inStore} in the store`);
    current[kind] = p.spawnSink(kind);
  };
  for (const moment of moments) {
    await sleep(loadStarted + moment - performance.now());
    await Promise.all([killAndRestart('elasticsearch', moment), killAndRestart('postgres', moment)]);
  }
  const result = await load.done;
  t.comment(`kills:\n${kills.join('\n')}`);
  t.comment(`load: ${result.requests} requests (${result.retries} retried) in ${(result.ms / 1000).toFixed(1)} s`);
  await Promise.all(Object.values(current).map((s) => s.joined));

  const ids = new Set(result.ids);
  t.equal(ids.size, EVENTS, `the gateway acknowledged ${EVENTS} distinct ids`);
  await expectStores(t, p, { elasticsearch: ids, postgres: ids }, 180_000);
  t.equal(p.sinks.length, 2 * (KILLS + 1), `${KILLS} restarts of each sink`);
});
