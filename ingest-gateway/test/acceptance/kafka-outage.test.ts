// Acceptance (issue 3): Kafka stopped during load. A REAL broker is stopped and restarted, a private
// single-node KRaft Kafka of the test's own (helpers/private-broker.ts; the shared broker on :9092 is
// never touched), under the built gateway (dist/main.js, run `npm run build` first) as a subprocess.
// Clients get 503 (or 429) with Retry-After in bounded time while Kafka is down, never a 202 for an
// event that is not in Kafka; after Kafka restarts 202s come back by themselves and every id that got
// a 202 is in the topic; the gateway process is the same one throughout.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kafka } from 'kafkajs';
import { SCHEMA_FINGERPRINT_HEADER, eventCodec } from '@logpipe/schemas';
import { uniqueTopic } from '../helpers/kafka.js';
import { freePorts, startPrivateBroker } from '../helpers/private-broker.js';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/main.js');

const PRODUCE_TIMEOUT_MS = 3000;
/** No answer may take longer: the produce timeout plus slack for a loaded 2-core machine. */
const ANSWER_BOUND_MS = PRODUCE_TIMEOUT_MS + 2000;
const CLIENTS = 10;
/** Pause between a client's requests: keeps the load (and the CPU) modest, a few hundred requests/s at most. */
const PACE_MS = 50;
const BEFORE_STOP_MS = 3000;
const OUTAGE_MS = 5000;
const RESUME_TIMEOUT_MS = 60_000;
const RETRYABLE_CODES = new Set(['GW_BROKER_UNAVAILABLE', 'GW_PRODUCE_TIMEOUT', 'GW_OVERLOADED']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls cond every 50 ms; throws with what after timeoutMs. */
async function waitFor(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

interface Outcome {
  client: number;
  /** 0: no HTTP answer (connection error or the client's own timeout). */
  status: number;
  started: number;
  ended: number;
  sent: string[];
  answered: string[];
  retryAfter: string | null;
  code?: string;
  error?: string;
}

interface Gateway {
  url: string;
  /** The pid the gateway logged when it started listening. */
  pid: number;
  /** The pid of the process the test spawned (setpriv execs node, so the same one). */
  childPid: number | undefined;
  exit: () => string | undefined;
  exited: Promise<string>;
  output: () => string;
  listeningLines: () => number;
  stop(): Promise<string>;
}

/** dist/main.js as a subprocess; resolves once it logs that it listens. t.teardown kills it if still running. */
async function startGatewayProcess(t: Test, env: Record<string, string>): Promise<Gateway> {
  // setpriv execs node (same pid) with a parent-death signal: the gateway dies with the test process.
  const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', process.execPath, mainJs], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  let exit: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = signal ?? String(code))));
    child.once('error', (err) => resolve((exit = `not started: ${err.message}`)));
  });
  t.teardown(async () => {
    if (exit === undefined) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const listening = () => out.split('\n').filter((l) => l.includes('"ingest gateway listening"'));
  await waitFor(`the gateway to listen (output so far:\n${out})`, () => listening().length > 0 || exit !== undefined, 30_000);
  if (exit !== undefined) throw new Error(`the gateway exited (${exit}) while starting:\n${out}`);
  const line = JSON.parse(listening()[0]!) as { address: string; pid: number };
  return {
    url: line.address,
    pid: line.pid,
    childPid: child.pid,
    exit: () => exit,
    exited,
    output: () => out,
    listeningLines: () => listening().length,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Ids of every record of the topic, up to its end offsets at call time, read with a consumer group of its own. */
async function readIds(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const expected = [...ends.values()].reduce((a, b) => a + b, 0);
  const ids: string[] = [];
  if (expected === 0) return ids;
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${ids.length} of ${expected} records of ${topic} within ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (Number(m.offset) >= (ends.get(batch.partition) ?? 0)) continue;
              ids.push(eventCodec.decode(m.value ?? Buffer.alloc(0), m.headers?.[SCHEMA_FINGERPRINT_HEADER] as Buffer).id);
            }
            if (ids.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return ids;
}

t.test('a real Kafka stopped during load, then restarted', { timeout: 150_000 }, async (t) => {
  if (!existsSync(mainJs)) {
    t.fail(`${mainJs} is missing; run \`npm run build\``);
    return;
  }
  const testStarted = performance.now();
  const broker = await startPrivateBroker(t);
  const brokerUpMs = performance.now() - testStarted;
  const topic = uniqueTopic('kafka-outage');
  const [port] = (await freePorts(1)) as [number];
  const gateway = await startGatewayProcess(t, {
    KAFKA_BROKERS: broker.address,
    LOGS_TOPIC: topic,
    TOPIC_PARTITIONS: '3',
    HOST: '127.0.0.1',
    PORT: String(port),
    INGEST_PRODUCE_TIMEOUT_MS: String(PRODUCE_TIMEOUT_MS),
    KAFKA_CONNECTION_TIMEOUT_MS: '1000',
    KAFKA_REQUEST_TIMEOUT_MS: '3000',
    KAFKA_RETRIES: '2',
    INGEST_READY_PROBE_TIMEOUT_MS: '1000',
    INGEST_SHUTDOWN_TIMEOUT_MS: '10000',
    LOG_LEVEL: 'info',
  });
  t.teardown(() => {
    // Shown only when something failed: what the gateway and the broker said.
    if (!t.passing()) {
      t.comment(`gateway output (last 40 lines):\n${gateway.output().split('\n').slice(-40).join('\n')}`);
      t.comment(`broker log (last 40 lines):\n${broker.log().split('\n').slice(-40).join('\n')}`);
    }
  });

  const outcomes: Outcome[] = [];
  let loading = true;
  let seq = 0;
  const client = async (c: number) => {
    while (loading) {
      const events = Array.from({ length: 1 + (c % 3) }, () => {
        seq++;
        return { id: randomUUID(), level: 'info', message: `kafka outage ${c}/${seq}`, resourceId: `svc-${seq % 11}`, timestamp: '2024-05-01T12:00:00Z' };
      });
      const sent = events.map((e) => e.id);
      const started = performance.now();
      try {
        const res = await fetch(`${gateway.url}/logs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(events),
          // Far past the bound asserted below: a hung request shows up as a failure, not a hung test.
          signal: AbortSignal.timeout(ANSWER_BOUND_MS + 10_000),
        });
        const body = (await res.json()) as { ids?: string[]; error?: { code: string; ids?: string[] } };
        outcomes.push({
          client: c,
          status: res.status,
          started,
          ended: performance.now(),
          sent,
          answered: body.ids ?? body.error?.ids ?? [],
          retryAfter: res.headers.get('retry-after'),
          ...(body.error ? { code: body.error.code } : {}),
        });
      } catch (err) {
        outcomes.push({ client: c, status: 0, started, ended: performance.now(), sent, answered: [], retryAfter: null, error: (err as Error).message });
      }
      await sleep(PACE_MS);
    }
  };
  const count = (pred: (o: Outcome) => boolean) => outcomes.filter(pred).length;

  const loadStarted = performance.now();
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  let stopBegan = 0;
  let stopped = 0;
  let restartBegan = 0;
  let restarted = 0;
  let readyDuringOutage = 0;
  let brokerExit = '';
  try {
    await waitFor('202s before the outage', () => performance.now() - loadStarted >= BEFORE_STOP_MS && count((o) => o.status === 202) >= 20, 30_000);
    stopBegan = performance.now();
    brokerExit = await broker.stop();
    stopped = performance.now();
    await waitFor(
      'refusals during the outage',
      () => performance.now() - stopped >= OUTAGE_MS && count((o) => o.started >= stopped && o.status !== 202) >= CLIENTS,
      OUTAGE_MS + 30_000,
    );
    readyDuringOutage = (await fetch(`${gateway.url}/readyz`)).status;
    restartBegan = performance.now();
    await broker.start();
    restarted = performance.now();
    // Ingest resumes by itself: enough 202s for requests sent after the restart began.
    await waitFor('202s after the restart', () => count((o) => o.started >= restartBegan && o.status === 202) >= 20, RESUME_TIMEOUT_MS);
  } finally {
    loading = false;
    await Promise.all(clients);
  }
  const loadEnded = performance.now();
  const readyAfter = (await fetch(`${gateway.url}/readyz`)).status;

  const ms = (x: number) => Math.round(x);
  const statusCounts = (pred: (o: Outcome) => boolean) => {
    const counts: Record<string, number> = {};
    for (const o of outcomes.filter(pred)) counts[o.code ?? String(o.status)] = (counts[o.code ?? String(o.status)] ?? 0) + 1;
    return JSON.stringify(counts);
  };
  const firstResumed = Math.min(...outcomes.filter((o) => o.started >= restartBegan && o.status === 202).map((o) => o.ended));
  // Entirely inside the outage: sent after the broker exited, answered before it was started again.
  const inOutage = (o: Outcome) => o.started >= stopped && o.ended <= restartBegan;
  t.comment(
    `private broker up in ${ms(brokerUpMs)} ms; stop took ${ms(stopped - stopBegan)} ms (exit ${brokerExit}); restart took ${ms(restarted - restartBegan)} ms; ` +
      `first 202 answered ${ms(firstResumed - restartBegan)} ms after the restart began; ${outcomes.length} requests in ${ms(loadEnded - loadStarted)} ms`,
  );
  t.comment(
    `answers before the stop ${statusCounts((o) => o.ended < stopBegan)}; while stopping ${statusCounts((o) => o.ended >= stopBegan && !inOutage(o) && o.started < stopped)}; ` +
      `in the outage ${statusCounts(inOutage)}; after ${statusCounts((o) => o.started >= stopped && !inOutage(o))}`,
  );

  // Every request got an HTTP answer, a retryable one when it was not a 202, in bounded time.
  const unanswered = outcomes.filter((o) => o.status === 0);
  t.equal(unanswered.length, 0, `every request got an answer${unanswered.length ? ` (first error: ${unanswered[0]!.error})` : ''}`);
  t.equal(count((o) => ![202, 429, 503].includes(o.status)), 0, `only 202, 429 or 503 (${statusCounts(() => true)})`);
  const refusals = outcomes.filter((o) => o.status === 429 || o.status === 503);
  t.equal(refusals.filter((o) => !o.retryAfter).length, 0, 'every 429/503 carries Retry-After');
  t.equal(refusals.filter((o) => !RETRYABLE_CODES.has(o.code ?? '')).length, 0, 'every 429/503 names a broker or overload code');
  t.equal(refusals.filter((o) => o.answered.join() !== o.sent.join()).length, 0, 'every 503/429 gives the request ids back');
  const slowest = Math.max(...outcomes.map((o) => o.ended - o.started));
  t.ok(slowest < ANSWER_BOUND_MS, `every answer within ${ANSWER_BOUND_MS} ms (slowest ${ms(slowest)} ms)`);

  // The phases.
  t.ok(count((o) => o.ended < stopBegan && o.status === 202) > 0, '202s before the broker was stopped');
  t.ok(count(inOutage) > 0, 'requests sent and answered while the broker was down');
  t.equal(count((o) => inOutage(o) && o.status === 202), 0, 'no 202 while the broker was down');
  t.ok(count((o) => inOutage(o) && o.status === 503) > 0, 'some 503s while the broker was down');
  t.equal(readyDuringOutage, 503, '/readyz 503 while the broker was down');
  t.ok(count((o) => o.started >= restartBegan && o.status === 202) > 0, '202s resumed after the restart');
  t.equal(readyAfter, 200, '/readyz 200 again');

  // The same gateway process throughout.
  t.equal(gateway.exit(), undefined, 'the gateway never exited');
  t.equal(gateway.listeningLines(), 1, 'the gateway started once');
  t.equal(gateway.pid, gateway.childPid, `the process that answered is the one started (pid ${gateway.pid})`);
  t.equal(count((o) => o.status === 202 && o.answered.join() !== o.sent.join()), 0, 'every 202 answers with the client ids in order');

  // Graceful stop after the outage; then read the topic back from the restarted broker.
  let stopTimer: NodeJS.Timeout | undefined;
  const gatewayExit = await Promise.race([gateway.stop(), new Promise<string>((r) => (stopTimer = setTimeout(() => r('still running after 15 s'), 15_000)))]);
  clearTimeout(stopTimer);
  t.equal(gatewayExit, '0', 'the gateway stops cleanly on SIGTERM after the outage');

  const acknowledged = outcomes.filter((o) => o.status === 202).flatMap((o) => o.sent);
  const acknowledgedSet = new Set(acknowledged);
  const refused = new Set(refusals.flatMap((o) => o.sent));
  const inTopic = await readIds(broker.kafka('kafka-outage-reader'), topic);
  const copies = new Map<string, number>();
  for (const id of inTopic) copies.set(id, (copies.get(id) ?? 0) + 1);
  const missing = acknowledged.filter((id) => !copies.has(id));
  const duplicates = acknowledged.reduce((n, id) => n + Math.max(0, (copies.get(id) ?? 0) - 1), 0);
  const refusedInTopic = [...refused].filter((id) => copies.has(id)).length;
  const unknown = inTopic.filter((id) => !refused.has(id) && !acknowledgedSet.has(id)).length;
  t.comment(
    `topic: ${inTopic.length} records; ${acknowledged.length} ids got a 202, ${duplicates} extra copies of them; ` +
      `${refused.size} ids got a 503/429, ${refusedInTopic} of them in the topic anyway; ${unknown} records with ids never sent`,
  );
  t.equal(missing.length, 0, `every one of the ${acknowledged.length} ids that got a 202 is in the topic${missing.length ? ` (missing e.g. ${missing.slice(0, 3).join(', ')})` : ''}`);
  t.equal(unknown, 0, 'the topic holds only ids the clients sent');
  t.comment(`total ${ms(performance.now() - testStarted)} ms`);
});
