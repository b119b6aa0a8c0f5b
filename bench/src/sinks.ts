#!/usr/bin/env node
// Sinks throughput and end-to-end visibility (issue 4), each figure next to its ceiling in the same run:
//   1. N events are put on a private topic, as the gateway writes them (key resourceId, Avro, fingerprint).
//   2. Each sink consumes it through the real consumer loop (in this process, built from the same config
//      the service reads, with a private topic, group, index prefix and schema), timed from the start of
//      its first write to the end of the write that stored the last event.
//   3. Its ceiling loads the same data straight into an identical store: Elasticsearch with helpers.bulk at
//      the sink's bulk size and concurrency, PostgreSQL with `psql \copy` (sink-ceilings.ts).
//   4. The running pipeline (gateway on :3000 and both sinks) is fed at --rate events/s for --seconds, and a
//      sample of the POSTed events is searched for in both stores (visibility.ts); its events are removed
//      afterwards (--keep leaves them).
// Usage: node bench/dist/sinks.js [--events 100000] [--stores elasticsearch,postgres] [--rounds 3] [--rate 10000] [--seconds 30]
//          [--events-per-request 100] [--keep] [--json]
// --events 0 skips steps 1-3 (--stores limits them), --seconds 0 skips step 4. Needs the local stack (`npm run up`) and a build.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client } from '@elastic/elasticsearch';
import { eventCodec, normalizeEvent, SCHEMA_FINGERPRINT_HEADER, type LogEvent } from '@logpipe/schemas';
import {
  buildElasticsearchSink,
  buildPostgresSink,
  ConsumerLoop,
  createKafka,
  createSinkMetrics,
  loadConfig,
  type Sink,
  type SinkConfig,
  type SinkName,
  type WriteResult,
} from '@logpipe/sinks';
import kafkajs from 'kafkajs';
import { pino } from 'pino';
import postgres from 'postgres';
import { bulkLoadCeiling, copyLoadCeiling, readDocuments, type CeilingResult } from './sink-ceilings.js';
import { sampleEvents } from './sample-events.js';
import { measureVisibility, type StoreLatency, type VisibilityResult } from './visibility.js';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '30' },
    'events-per-request': { type: 'string', default: '100' },
    stores: { type: 'string', default: 'elasticsearch,postgres' },
    // Each store's sink and ceiling run this many times, alternating; the best of each is compared, so
    // neither side is measured only on a cold JIT or during someone else's burst on the shared machine.
    rounds: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const total = Number(args.events);
const rate = Number(args.rate);
const e2eSeconds = Number(args.seconds);
const eventsPerRequest = Number(args['events-per-request']);
const rounds = Number(args.rounds);
const stores = new Set(args.stores.split(',').map((name) => name.trim()));
for (const name of stores) if (name !== 'elasticsearch' && name !== 'postgres') throw new Error(`--stores: unknown store ${name}`);
for (const [name, value] of Object.entries({ events: total, rate, seconds: e2eSeconds, 'events-per-request': eventsPerRequest })) {
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number (got ${value})`);
}
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a whole number of at least 1 (got ${args.rounds})`);
const roundNumbers = Array.from({ length: rounds }, (_, i) => i + 1);

// Private names for everything this run creates; removed at the end.
const stamp = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const names = {
  topic: `bench.sinks.${stamp}`,
  dlqTopic: `bench.sinks.${stamp}.dlq`,
  // Per round: a sink in a new group reads the topic from the start again.
  group: (sink: SinkName, round: number) => `bench-sinks-${stamp}-${sink}-${round}`,
  esSinkPrefix: (round: number) => `bench-sink-${stamp}-${round}`,
  esCeilingPrefix: (round: number) => `bench-ceiling-${stamp}-${round}`,
  pgSinkSchema: (round: number) => `bench_sink_${stamp}_${round}`,
  pgCeilingSchema: (round: number) => `bench_copy_${stamp}_${round}`,
};

const progress = (msg: string): void => {
  process.stderr.write(`bench: ${msg}\n`);
};
const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : n > 0 ? '∞' : '–';

/** The service's own config (and so its defaults and any SINK_… / ELASTICSEARCH_… set here), on private names. */
function sinkConfig(sink: SinkName, round = 1): SinkConfig {
  return loadConfig({
    ...process.env,
    SINK: sink,
    SINK_GROUP_ID: names.group(sink, round),
    LOGS_TOPIC: names.topic,
    DLQ_TOPIC: names.dlqTopic,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
}

/** A UUIDv7 (RFC 9562), as the gateway gives events: time-ordered, which is what the stores' indexes see. */
function uuidv7(ms: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The bench events, normalised as the gateway would; timestamps spread over the last hour (today's index and partition). */
function benchEvents(count: number): LogEvent[] {
  const start = Date.now() - 3_600_000;
  return sampleEvents(count).map((raw, i) => {
    const result = normalizeEvent({ ...raw, timestamp: new Date(start + Math.floor((i * 3_600_000) / count)).toISOString() }, { now: () => new Date(), newId: () => uuidv7(Date.now()) });
    if (!result.ok) throw new Error(`sample event ${i} is invalid: ${JSON.stringify(result.issues)}`);
    return result.event;
  });
}

async function fillTopic(kafka: kafkajs.Kafka, events: LogEvent[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: names.topic, numPartitions: partitions }, { topic: names.dlqTopic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const headers = { [SCHEMA_FINGERPRINT_HEADER]: Buffer.from(eventCodec.fingerprint) };
  try {
    for (let i = 0; i < events.length; i += 5000) {
      const messages = events.slice(i, i + 5000).map((e) => ({ key: e.resourceId, value: eventCodec.encode(e), headers }));
      await producer.send({ topic: names.topic, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

interface SinkRun {
  stored: number;
  seconds: number;
  batches: number;
  /** _bulk requests (Elasticsearch only). */
  bulkRequests?: number;
  /** Of `seconds`, the time with at least one write() in flight; the rest is the loop's (fetch, decode, commit). */
  writingSeconds: number;
}

/**
 * Runs `sink` behind the real consumer loop until it stored `expected` events. The sink is wrapped only to
 * read the clock around write(); everything else (decoding, batching, commits) is the service's own.
 */
async function runSink(name: SinkName, sink: Sink, config: SinkConfig, expected: number): Promise<SinkRun> {
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  let first: number | undefined;
  let last = 0;
  let stored = 0;
  let batches = 0;
  let bulkRequests = 0;
  let writing = 0;
  let writingSince = 0;
  let writingMs = 0;
  let lastProgress = performance.now();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const timed: Sink = {
    async write(batch): Promise<WriteResult> {
      first ??= performance.now();
      if (writing++ === 0) writingSince = performance.now();
      let result: WriteResult & { bulkRequests?: number };
      try {
        result = await sink.write(batch);
      } finally {
        if (--writing === 0) writingMs += performance.now() - writingSince;
      }
      stored += result.stored;
      batches += 1;
      bulkRequests += result.bulkRequests ?? 0;
      last = performance.now();
      if (result.rejected.length > 0) progress(`  ${name}: ${result.rejected.length} rejected (${result.rejected[0]?.reason})`);
      if (last - lastProgress > 5000) {
        lastProgress = last;
        progress(`  ${name}: ${fmt(stored)} of ${fmt(expected)} stored`);
      }
      if (stored >= expected) done();
      return result;
    },
    healthcheck: () => sink.healthcheck(),
    close: () => sink.close(),
    ...(sink.storedOffsets ? { storedOffsets: sink.storedOffsets.bind(sink) } : {}),
  };
  const loop = new ConsumerLoop({ kafka: createKafka(config, logger), sink: timed, sinkName: name, config, logger, metrics: createSinkMetrics({ sink: name }) });
  await loop.start();
  // A stalled sink (store down, events dead-lettered) must end the bench, not hang it.
  const stalled = new Promise<never>((_resolve, reject) => {
    const timer = setInterval(() => {
      if (performance.now() - Math.max(lastProgress, last, first ?? 0) > 120_000) {
        clearInterval(timer);
        reject(new Error(`${name}: no write for 120 s, ${stored} of ${expected} stored`));
      }
    }, 1000);
    void finished.then(() => clearInterval(timer));
  });
  try {
    await Promise.race([finished, stalled]);
  } finally {
    await loop.stop();
    await sink.close();
  }
  return { stored, seconds: (last - (first ?? last)) / 1000, batches, bulkRequests, writingSeconds: writingMs / 1000 };
}

const esDailyIndex = (prefix: string, doc: Record<string, unknown>): string => {
  const ts = String(doc.timestamp);
  return `${prefix}-${ts.slice(0, 4)}.${ts.slice(5, 7)}.${ts.slice(8, 10)}`;
};

async function removeEsPrefix(es: Client, prefix: string): Promise<void> {
  const resolved = await es.indices.resolveIndex({ name: `${prefix}-*`, expand_wildcards: 'all' });
  const indices = resolved.indices.map((i) => i.name);
  // By name: a stock node refuses wildcard deletes.
  if (indices.length > 0) await es.indices.delete({ index: indices });
  await es.indices.deleteIndexTemplate({ name: `logpipe-${prefix}` }, { ignore: [404] });
}

interface StoreRun {
  sink: SinkRun;
  ceiling: CeilingResult;
}

interface Throughput {
  events: number;
  bytesPerEvent: number;
  config: Pick<SinkConfig, 'maxBatchRecords' | 'partitionsConcurrency' | 'elasticsearchBulkMaxBytes' | 'elasticsearchBulkConcurrency' | 'topicPartitions'>;
  elasticsearch?: StoreRun;
  postgres?: StoreRun;
}

const context = (config: SinkConfig) => ({ logger: pino({ level: config.logLevel }, pino.destination(2)), now: () => new Date(), groupId: config.groupId });

async function elasticsearchThroughput(es: Client, round: number): Promise<StoreRun> {
  const config = sinkConfig('elasticsearch', round);
  const sinkPrefix = names.esSinkPrefix(round);
  const ceilingPrefix = names.esCeilingPrefix(round);
  // The options the service gives the sink (sink-registry.ts), on a private prefix.
  const options = (indexPrefix: string) => ({
    node: config.elasticsearchUrl,
    indexPrefix,
    maxBulkBytes: config.elasticsearchBulkMaxBytes,
    bulkConcurrency: config.elasticsearchBulkConcurrency,
    retentionDays: config.retentionDays,
    retentionIntervalMs: config.retentionIntervalMs,
  });
  progress(`Elasticsearch sink, round ${round} of ${rounds}: consumer loop → index prefix ${sinkPrefix}`);
  const sink = await runSink('elasticsearch', await buildElasticsearchSink(context(config), options(sinkPrefix)), config, total);
  const documents = await readDocuments(es, `${sinkPrefix}-*`);
  if (new Set(documents.map((d) => d.id)).size !== total) throw new Error(`Elasticsearch sink stored ${documents.length} documents, expected ${total}`);
  // Gone before the ceiling runs, so both load a node holding the same.
  await removeEsPrefix(es, sinkPrefix);

  progress(`Elasticsearch ceiling, round ${round} of ${rounds}: helpers.bulk → index prefix ${ceilingPrefix}`);
  // A sink on the ceiling's prefix puts the identical template (and closes); the load goes around it.
  await (await buildElasticsearchSink(context(config), options(ceilingPrefix))).close();
  const ceiling = await bulkLoadCeiling({
    client: es,
    documents,
    indexOf: (doc) => esDailyIndex(ceilingPrefix, doc),
    flushBytes: config.elasticsearchBulkMaxBytes,
    concurrency: config.elasticsearchBulkConcurrency,
  });
  if (ceiling.loaded !== total) throw new Error(`helpers.bulk loaded ${ceiling.loaded} documents, expected ${total}`);
  await removeEsPrefix(es, ceilingPrefix);
  return { sink, ceiling };
}

async function postgresThroughput(sql: postgres.Sql, round: number): Promise<StoreRun> {
  const config = sinkConfig('postgres', round);
  const sinkSchema = names.pgSinkSchema(round);
  const ceilingSchema = names.pgCeilingSchema(round);
  // The options the service gives the sink (sink-registry.ts), on a private schema.
  const options = (schema: string) => ({
    url: config.databaseUrl,
    schema,
    dedupeScope: config.postgresDedupeScope,
    retentionDays: config.retentionDays,
    maintenanceIntervalMs: config.retentionIntervalMs,
    maxConnections: config.partitionsConcurrency + 2,
  });
  progress(`PostgreSQL sink, round ${round} of ${rounds}: consumer loop → schema ${sinkSchema}`);
  const sink = await runSink('postgres', await buildPostgresSink(context(config), options(sinkSchema)), config, total);
  const [counted] = await sql<{ n: number }[]>`select count(distinct id)::int as n from ${sql(sinkSchema)}.logs`;
  if (counted?.n !== total) throw new Error(`PostgreSQL sink stored ${counted?.n} distinct ids, expected ${total}`);

  progress(`PostgreSQL ceiling, round ${round} of ${rounds}: psql \\copy → schema ${ceilingSchema}`);
  // A sink on the ceiling's schema runs the same migrations and creates the same partitions (and closes).
  await (await buildPostgresSink(context(config), options(ceilingSchema))).close();
  const ceiling = await copyLoadCeiling({ sql, databaseUrl: config.databaseUrl, fromSchema: sinkSchema, toSchema: ceilingSchema });
  if (ceiling.loaded !== total) throw new Error(`\\copy loaded ${ceiling.loaded} rows, expected ${total}`);
  // The next round starts from a database of the same size.
  await sql.unsafe(`drop schema "${sinkSchema}" cascade; drop schema "${ceilingSchema}" cascade`);
  return { sink, ceiling };
}

const sinkRate = (run: StoreRun): number => run.sink.stored / run.sink.seconds;
const ceilingRate = (run: StoreRun): number => run.ceiling.loaded / run.ceiling.seconds;

/** Every round of one store; the best sink run and the best ceiling run of them. */
async function bestOfRounds(store: string, once: (round: number) => Promise<StoreRun>): Promise<StoreRun> {
  const runs: StoreRun[] = [];
  for (const round of roundNumbers) {
    const run = await once(round);
    runs.push(run);
    progress(`${store}, round ${round}: sink ${fmt(sinkRate(run))} events/s, ceiling ${fmt(ceilingRate(run))} events/s`);
  }
  const best = (rate: (run: StoreRun) => number) => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
  return { sink: best(sinkRate).sink, ceiling: best(ceilingRate).ceiling };
}

async function throughput(es: Client, sql: postgres.Sql): Promise<Throughput> {
  const config = sinkConfig('elasticsearch');
  progress(`preparing ${fmt(total)} events on topic ${names.topic} (${config.topicPartitions} partitions)`);
  const events = benchEvents(total);
  const bytesPerEvent = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0) / events.length;
  await fillTopic(new kafkajs.Kafka({ brokers: config.kafkaBrokers, clientId: 'bench-sinks', logLevel: kafkajs.logLevel.NOTHING }), events, config.topicPartitions);
  // Sequential, so that each sink and each ceiling has the machine to itself (as far as this bench goes).
  return {
    events: total,
    bytesPerEvent,
    config: {
      maxBatchRecords: config.maxBatchRecords,
      partitionsConcurrency: config.partitionsConcurrency,
      elasticsearchBulkMaxBytes: config.elasticsearchBulkMaxBytes,
      elasticsearchBulkConcurrency: config.elasticsearchBulkConcurrency,
      topicPartitions: config.topicPartitions,
    },
    ...(stores.has('elasticsearch') ? { elasticsearch: await bestOfRounds('Elasticsearch', (round) => elasticsearchThroughput(es, round)) } : {}),
    ...(stores.has('postgres') ? { postgres: await bestOfRounds('PostgreSQL', (round) => postgresThroughput(sql, round)) } : {}),
  };
}

async function ready(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function endToEnd(es: Client, sql: postgres.Sql): Promise<VisibilityResult> {
  const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000';
  const alias = process.env.ELASTICSEARCH_INDEX_PREFIX ?? 'logs';
  const pgSchema = process.env.PG_SCHEMA ?? 'public';
  for (const url of [`${gatewayUrl}/readyz`, 'http://127.0.0.1:3010/readyz', 'http://127.0.0.1:3020/readyz']) {
    if (!(await ready(url))) throw new Error(`${url} is not ready: the end-to-end run needs the whole pipeline (npm run up)`);
  }
  progress(`end to end: ${fmt(rate)} events/s for ${e2eSeconds} s through ${gatewayUrl}, ${eventsPerRequest} per request`);
  const resourcePrefix = `bench-e2e-${stamp}-`;
  const since = new Date(Date.now() - 60_000).toISOString();
  try {
    return await measureVisibility({
      gatewayUrl,
      eventsPerSecond: rate,
      seconds: e2eSeconds,
      eventsPerRequest,
      // About 10 samples a second at the defaults: enough for a p99, few enough to poll in one query.
      sampleEvery: Math.max(1, Math.round(rate / eventsPerRequest / 10)),
      pool: sampleEvents(5000),
      resourcePrefix,
      resources: 300,
      since,
      es,
      esAlias: alias,
      sql,
      pgSchema,
      pollMs: 50,
      graceMs: 60_000,
      drainMs: 240_000,
      progress,
    });
  } finally {
    if (!args.keep) {
      progress('end to end: removing the bench events from both stores');
      await deleteEsDocuments(es, alias, { bool: { filter: [{ prefix: { resourceId: resourcePrefix } }, { range: { timestamp: { gte: since } } }] } });
      await sql`delete from ${sql(pgSchema)}.logs where resource_id like ${`${resourcePrefix}%`} and "timestamp" >= ${since}`;
    }
  }
}

/**
 * Deletes what `query` finds, by _index and _id: the local node has no reindex module, so no
 * _delete_by_query.
 */
async function deleteEsDocuments(es: Client, index: string, query: object): Promise<void> {
  await es.indices.refresh({ index });
  const targets: Array<{ _index: string; _id: string }> = [];
  for await (const page of es.helpers.scrollSearch({ index, query, _source: false, size: 10_000, sort: ['_doc'] })) {
    for (const hit of page.body.hits.hits) if (hit._id !== undefined) targets.push({ _index: hit._index, _id: hit._id });
  }
  const stats = await es.helpers.bulk({ datasource: targets, onDocument: (doc) => ({ delete: doc }), refreshOnCompletion: index });
  if (stats.failed > 0) progress(`  ${stats.failed} of ${stats.total} bench events not deleted from Elasticsearch`);
}

async function cleanUp(es: Client, sql: postgres.Sql): Promise<void> {
  const kafka = new kafkajs.Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'bench-sinks', logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [names.topic, names.dlqTopic] }).catch(() => {});
  await admin.deleteGroups(roundNumbers.flatMap((round) => [names.group('elasticsearch', round), names.group('postgres', round)])).catch(() => {});
  await admin.disconnect();
  for (const round of roundNumbers) {
    for (const prefix of [names.esSinkPrefix(round), names.esCeilingPrefix(round)]) await removeEsPrefix(es, prefix).catch(() => {});
    await sql.unsafe(`drop schema if exists "${names.pgSinkSchema(round)}" cascade; drop schema if exists "${names.pgCeilingSchema(round)}" cascade`);
  }
}

const met = (ok: boolean): string => (ok ? 'yes' : 'no');

function report(tp: Throughput | undefined, e2e: VisibilityResult | undefined): string {
  const lines: string[] = [];
  if (tp) {
    const c = tp.config;
    const row = (store: string, run: StoreRun, ceiling: string, target: number, targetRatio: number) => {
      const ratio = (100 * sinkRate(run)) / ceilingRate(run);
      return `| ${store} | ${fmt(sinkRate(run))} | ${fmt(run.sink.seconds, 2)} | ${ceiling} | ${fmt(ceilingRate(run))} | ${fmt(run.ceiling.seconds, 2)} | ${fmt(ratio, 1)} % | ≥ ${fmt(target)}/s and ≥ ${targetRatio} % | ${met(sinkRate(run) >= target && ratio >= targetRatio)} |`;
    };
    lines.push(
      `sinks bench: ${fmt(tp.events)} events of ${fmt(tp.bytesPerEvent)} bytes as JSON on a topic of ${c.topicPartitions} partitions; batches of at most ${fmt(c.maxBatchRecords)} records, ${c.partitionsConcurrency} partitions written at once; the best of ${rounds} rounds of each`,
      '',
      '| store | sink (consumer loop) events/s | s | ceiling | ceiling events/s | s | sink / ceiling | target | met |',
      '|---|---:|---:|---|---:|---:|---:|---|---|',
    );
    if (tp.elasticsearch) lines.push(row('Elasticsearch', tp.elasticsearch, `helpers.bulk, ${fmt(c.elasticsearchBulkMaxBytes / 1048576, 1)} MiB × ${c.elasticsearchBulkConcurrency} in flight`, 20_000, 75));
    if (tp.postgres) lines.push(row('PostgreSQL', tp.postgres, 'psql \\copy, one stream', 50_000, 70));
    const busy = (r: SinkRun) => `${r.batches} batches, a write in flight ${fmt((100 * r.writingSeconds) / r.seconds)} % of the time`;
    const es = tp.elasticsearch?.sink;
    const pg = tp.postgres?.sink;
    lines.push(
      '',
      'Sink time: from the start of its first write to the end of the write that stored the last event; the time without a write in flight is the loop\'s (Kafka fetch, Avro decoding, commits).',
    );
    if (es) lines.push(`Elasticsearch sink: ${busy(es)}, ${fmt(es.stored / (es.bulkRequests || Number.NaN))} documents per _bulk request on average.`);
    if (pg) lines.push(`PostgreSQL sink: ${busy(pg)}.`);
  }
  if (e2e) {
    const row = (store: string, how: string, l: StoreLatency, drain: number | undefined) =>
      `| ${store} | ${how} | ${l.samples} | ${fmt(l.p50Ms)} | ${fmt(l.p99Ms)} | ${fmt(l.maxMs)} | ${l.missing} | ${drain === undefined ? 'not within 240 s' : `${fmt(drain, 1)} s`} | ${met(l.p99Ms <= 2000)} |`;
    if (lines.length > 0) lines.push('');
    lines.push(
      `end to end: offered ${fmt(e2e.offeredPerSecond)} events/s for ${e2eSeconds} s (${eventsPerRequest} per request), accepted ${fmt(e2e.acceptedPerSecond)} events/s (${fmt(e2e.acceptedEvents)}), gateway POST → 202 p50 / p99 ${fmt(e2e.ackP50Ms)} / ${fmt(e2e.ackP99Ms)} ms, non-202: ${JSON.stringify(e2e.failures)}, requests sent late: ${e2e.lateRequests}`,
      '',
      '| store | visible when | samples | p50 ms | p99 ms | max ms | never seen | all accepted stored after the load | p99 ≤ 2,000 ms |',
      '|---|---|---:|---:|---:|---:|---:|---:|---|',
      row('Elasticsearch', 'a search on the alias finds its id', e2e.elasticsearch, e2e.drainSeconds.elasticsearch),
      row('PostgreSQL', 'a select by id finds it', e2e.postgres, e2e.drainSeconds.postgres),
      '',
      'Latency: from sending the POST to the first poll answer (every 50 ms) that holds the event.',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const es = new Client({ node: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200', requestTimeout: 120_000 });
  const sql = postgres(process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs', { max: 4, onnotice: () => {} });
  let tp: Throughput | undefined;
  let e2e: VisibilityResult | undefined;
  try {
    if (total > 0) tp = await throughput(es, sql);
  } finally {
    progress('removing the private topic, groups, indices and schemas');
    await cleanUp(es, sql);
  }
  try {
    if (e2eSeconds > 0) e2e = await endToEnd(es, sql);
  } finally {
    await sql.end({ timeout: 5 });
    await es.close();
  }
  process.stdout.write(args.json ? `${JSON.stringify({ throughput: tp, endToEnd: e2e }, null, 2)}\n` : report(tp, e2e));
}

await main();
