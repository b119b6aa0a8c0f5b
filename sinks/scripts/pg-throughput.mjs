#!/usr/bin/env node
// Quick throughput check of the PostgreSQL sink's write path (not a test, not the bench/ suite):
// N events written through buildPostgresSink().write() in batches, against the same rows loaded by
// `psql \copy` straight into an identical partitioned table with the same indexes (the ceiling).
// The machine is shared (Kafka, Elasticsearch, other tests), so the two alternate for `rounds` rounds on
// fresh schemas and the median of each is reported.
// Build first: `npx tsc -b sinks`. Usage: node sinks/scripts/pg-throughput.mjs [events] [batch] [writers] [rounds]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { pino } from 'pino';
import { buildPostgresSink } from '../dist/postgres/index.js';
import { encodeRow } from '../dist/postgres/copy-text.js';
import { migrate } from '../dist/postgres/migrations.js';

const total = Number(process.argv[2] ?? 100_000);
const batchSize = Number(process.argv[3] ?? 10_000);
const concurrency = Number(process.argv[4] ?? 2);
const rounds = Number(process.argv[5] ?? 3);
const url = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';
const sql = postgres(url, { max: 2, onnotice: () => {} });
let sinkSchema = '';
let copySchema = '';
const DAY_MS = 86_400_000;

// Events like a busy service's: ~120-char messages, a quarter with metadata, a third with trace ids,
// timestamps spread over today (one partition) as a live stream would be.
const levels = ['debug', 'info', 'info', 'info', 'warn', 'error'];
const start = Date.now() - 3_600_000;
const events = Array.from({ length: total }, (_, i) => {
  const ts = new Date(start + Math.floor((i / total) * 3_600_000)).toISOString();
  const e = {
    id: randomUUID(),
    level: levels[i % levels.length],
    message: `GET /api/orders/${i} 200 in ${i % 250} ms user=${(i * 7919) % 10_000} cache=${i % 3 ? 'hit' : 'miss'} upstream=inventory-${i % 4}`,
    resourceId: `service-${i % 20}`,
    timestamp: ts,
    receivedAt: ts,
  };
  if (i % 3 === 0) Object.assign(e, { traceId: randomUUID().replaceAll('-', ''), spanId: randomUUID().slice(0, 16), commit: 'a1b2c3d4' });
  if (i % 4 === 0) e.metadata = { parentResourceId: `parent-${i % 7}`, attempt: i % 5, region: 'eu-west-1', ok: true };
  return e;
});
const records = events.map((event, i) => ({ event, topic: 'logs.v1', partition: i % concurrency, offset: String(Math.floor(i / concurrency)), raw: Buffer.alloc(0), headers: {} }));

// A month of partitions, as in production (each id probe visits every partition).
async function addPartitions(schema) {
  for (let d = -30; d <= 2; d++) {
    const day = new Date(Date.now() + d * DAY_MS).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10);
    await sql.unsafe(`create table if not exists "${schema}"."logs_p${day.replaceAll('-', '')}" partition of "${schema}".logs for values from ('${day}T00:00:00Z') to ('${next}T00:00:00Z')`);
  }
}

async function runSink() {
  const sink = await buildPostgresSink({ logger: pino({ level: 'warn' }), now: () => new Date(), groupId: 'bench' }, { url, schema: sinkSchema, maxConnections: concurrency + 2 });
  await addPartitions(sinkSchema);
  // One writer per Kafka partition, as the loop runs them (SINK_PARTITIONS_CONCURRENCY).
  const byPartition = Array.from({ length: concurrency }, (_, p) => records.filter((r) => r.partition === p));
  const t0 = performance.now();
  await Promise.all(
    byPartition.map(async (recs) => {
      for (let i = 0; i < recs.length; i += batchSize) {
        const slice = recs.slice(i, i + batchSize);
        const result = await sink.write({ topic: 'logs.v1', partition: slice[0].partition, records: slice, nextOffset: String(Number(slice.at(-1).offset) + 1) });
        if (result.rejected.length) throw new Error(`rejected ${result.rejected.length}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await sink.close();
  return seconds;
}

async function runCopy() {
  await migrate(sql, copySchema);
  await addPartitions(copySchema);
  const dir = mkdtempSync(path.join(tmpdir(), 'pg-throughput-'));
  const file = path.join(dir, 'rows.tsv');
  // Same text format and values the sink sends; \copy goes straight into the partitioned table.
  // The staging row starts with two columns of the sink's own (ord, day); the table has neither.
  const withoutOrdAndDay = (row) => row.slice(row.indexOf('\t', row.indexOf('\t') + 1) + 1);
  writeFileSync(file, records.map((r, i) => withoutOrdAndDay(encodeRow(r, i))).join(''));
  const u = new URL(url);
  const t0 = performance.now();
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username), '-d', u.pathname.slice(1),
    '-c', `\\copy "${copySchema}".logs (id, "timestamp", received_at, level, message, resource_id, trace_id, span_id, "commit", metadata) from '${file}'`],
  { env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) }, stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (s) => Math.round(total / s).toLocaleString('en');
const copyTimes = [];
const sinkTimes = [];
try {
  for (let round = 0; round < rounds; round++) {
    const stamp = `${Date.now().toString(36)}_${round}`;
    sinkSchema = `bench_sink_${stamp}`;
    copySchema = `bench_copy_${stamp}`;
    copyTimes.push(await runCopy());
    sinkTimes.push(await runSink());
    const [{ n }] = await sql`select count(*)::int as n from ${sql(sinkSchema)}.logs`;
    if (n !== total) throw new Error(`sink stored ${n} of ${total}`);
    console.log(`round ${round + 1}: \\copy ${rate(copyTimes.at(-1))} rows/s, sink ${rate(sinkTimes.at(-1))} rows/s`);
    await sql.unsafe(`drop schema if exists "${sinkSchema}" cascade; drop schema if exists "${copySchema}" cascade`);
  }
  const copySeconds = median(copyTimes);
  const sinkSeconds = median(sinkTimes);
  console.log(`events: ${total}, batch: ${batchSize}, writers: ${concurrency}, partitions: 33, indexes: 10, median of ${rounds}`);
  console.log(`psql \\copy (ceiling)   ${copySeconds.toFixed(2)} s   ${rate(copySeconds)} rows/s`);
  console.log(`sink COPY+insert       ${sinkSeconds.toFixed(2)} s   ${rate(sinkSeconds)} rows/s`);
  console.log(`ratio                  ${((copySeconds / sinkSeconds) * 100).toFixed(0)} % of \\copy`);
} finally {
  await sql.unsafe(`drop schema if exists "${sinkSchema}" cascade; drop schema if exists "${copySchema}" cascade`);
  await sql.end();
}
