// Acceptance (issue 4): two processes of each sink in one consumer group: both get partitions and store
// events; one of each is killed (SIGKILL) mid-load, the other takes over its partitions and finishes the
// work; nothing lost, nothing doubled. A private pipeline on the shared stack, topic of 6 partitions.
import t from 'tap';
import { eventually } from './helpers/child.js';
import { makeEvent, startLoad } from './helpers/load.js';
import { Pipeline, type SinkKind, type SinkProcess } from './helpers/pipeline.js';
import { expectStores } from './helpers/verify.js';

const EVENTS = 100_000;
const RATE_PER_SEC = 4000;
/** Acknowledged events at which one process of each sink is killed: well inside the load. */
const KILL_AT = 40_000;
const PARTITIONS = 6;
const all = Array.from({ length: PARTITIONS }, (_, i) => i);
const sorted = (xs: number[] | undefined) => [...(xs ?? [])].sort((a, b) => a - b);

t.setTimeout(300_000);

t.test('two processes per sink share the partitions; one killed mid-load, the other finishes', async (t) => {
  const p = new Pipeline(t, { partitions: PARTITIONS });
  await p.start();
  const procs: Record<SinkKind, SinkProcess[]> = {
    elasticsearch: await Promise.all([p.startSink('elasticsearch'), p.startSink('elasticsearch')]),
    postgres: await Promise.all([p.startSink('postgres'), p.startSink('postgres')]),
  };
  for (const kind of ['elasticsearch', 'postgres'] as const) {
    const [a, b] = procs[kind] as [SinkProcess, SinkProcess];
    // Each process logs every generation it joins; the split is settled when the latest two partition the topic.
    await eventually(
      () => `sink-${kind}'s two processes to split the partitions: ${JSON.stringify([a.assignment(), b.assignment()])}`,
      () => (a.assignment()?.length ?? 0) > 0 && (b.assignment()?.length ?? 0) > 0 && JSON.stringify(sorted([...a.assignment()!, ...b.assignment()!])) === JSON.stringify(all),
      30_000,
    );
    t.pass(`sink-${kind}: both processes have partitions, ${JSON.stringify(a.assignment())} and ${JSON.stringify(b.assignment())}`);
  }

  const load = startLoad({ url: p.gatewayUrl, count: EVENTS, event: (i) => makeEvent(p.names.topic, i), batchSize: 500, clients: 4, ratePerSec: RATE_PER_SEC });
  await eventually(`${KILL_AT} events acknowledged`, () => (load.progress.acks.at(-1)?.total ?? 0) >= KILL_AT, 60_000, 100);
  for (const kind of ['elasticsearch', 'postgres'] as const) {
    const stored = await Promise.all(procs[kind].map((s) => s.metric('logpipe_sink_records_stored_total')));
    t.ok(stored.every((n) => (n ?? 0) > 0), `sink-${kind}: both processes stored events before the kill (${stored.join(', ')})`);
    const victim = procs[kind][0]!;
    victim.kill('SIGKILL');
    t.equal(await victim.exited, 'SIGKILL', `sink-${kind} pid ${victim.pid} killed with partitions ${JSON.stringify(victim.assignment())}`);
  }
  const acknowledgedAtKill = load.progress.acks.at(-1)?.total ?? 0;
  for (const kind of ['elasticsearch', 'postgres'] as const) {
    const survivor = procs[kind][1]!;
    await eventually(() => `the surviving sink-${kind} to own every partition (has ${JSON.stringify(survivor.assignment())})`, () => sorted(survivor.assignment()).length === PARTITIONS, 60_000);
    t.pass(`sink-${kind} pid ${survivor.pid} took over every partition`);
  }
  const result = await load.done;
  t.ok(acknowledgedAtKill < EVENTS, `killed mid-load (${acknowledgedAtKill} of ${EVENTS} acknowledged)`);
  t.comment(`load: ${result.requests} requests (${result.retries} retried) in ${(result.ms / 1000).toFixed(1)} s`);

  const ids = new Set(result.ids);
  t.equal(ids.size, EVENTS, `the gateway acknowledged ${EVENTS} distinct ids`);
  await expectStores(t, p, { elasticsearch: ids, postgres: ids }, 180_000);
  for (const kind of ['elasticsearch', 'postgres'] as const) t.equal(procs[kind][1]!.exit, undefined, `the surviving sink-${kind} is still running`);
});
