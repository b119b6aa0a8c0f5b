// Kafka → consumer loop → PostgreSQL sink, against the real services: unique topics, group and schema
// per test. Exactly once with every field intact, redelivery without duplicates, restart from the
// offsets stored in PostgreSQL, refused rows to the DLQ, partitions on demand.
import type { LogEvent } from '@logpipe/schemas';
import type { Admin } from 'kafkajs';
import t, { type Test } from 'tap';
import { DEAD_LETTER_HEADERS } from '../../src/dead-letter.js';
import type { ConsumerLoop } from '../../src/consumer-loop.js';
import { buildPostgresSink, type PostgresSink } from '../../src/postgres/index.js';
import { makeEvent, testContext } from '../helpers/events.js';
import { eventMessage, eventually, produce, readMessages, testKafka, testTopics, type TestTopics } from '../helpers/kafka.js';
import { loopConfig, startLoop } from '../helpers/loop.js';
import { adminSql, allRows, databaseUrl, expectedRow, testSchema, type LogRow } from '../helpers/pg.js';
import { WrappedSink } from '../helpers/wrap-sink.js';

const kafka = testKafka();
const sql = adminSql();
let admin: Admin;
t.before(async () => {
  admin = kafka.admin();
  await admin.connect();
});
t.teardown(async () => {
  await admin.disconnect();
  await sql.end({ timeout: 5 });
});


async function pgSink(t: Test, schema: string, names: TestTopics): Promise<PostgresSink> {
  const sink = await buildPostgresSink(testContext(names.groupId), { url: databaseUrl, schema });
  t.teardown(() => sink.close());
  return sink;
}

const count = async (schema: string) => Number((await sql`select count(*)::int as n from ${sql(schema)}.logs`)[0]!.n);
const distinctIds = async (schema: string) => Number((await sql`select count(distinct id)::int as n from ${sql(schema)}.logs`)[0]!.n);

async function kafkaCommitted(groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

async function pgStored(schema: string, groupId: string): Promise<Map<number, number>> {
  const rows = await sql`select partition, next_offset from ${sql(schema)}.sink_offsets where group_id = ${groupId}`;
  return new Map(rows.map((r) => [Number(r.partition), Number(r.next_offset)]));
}

const rowOrder = (a: LogRow, b: LogRow) => (a.timestamp === b.timestamp ? (a.id < b.id ? -1 : 1) : a.timestamp < b.timestamp ? -1 : 1);

function variedEvents(n: number): LogEvent[] {
  const nextYear = new Date().getUTCFullYear() + 1;
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
  return Array.from({ length: n }, (_, i) => {
    const e = makeEvent({
      level: levels[i % levels.length]!,
      message: i % 7 === 0 ? `multi\nline\twith \\ backslash ${i}` : `request ${i} handled in ${i % 100} ms`,
      resourceId: `service-${i % 5}`,
    });
    if (i % 3 === 0) Object.assign(e, { traceId: `trace-${i}`, spanId: `span-${i}`, commit: `c0ffee${i}` });
    if (i % 4 === 0) e.metadata = { parentResourceId: `parent-${i % 2}`, attempt: i, ok: i % 8 === 0, region: 'eu-west-1' };
    if (i === 1) e.timestamp = '2019-07-04T12:00:00.000Z';
    if (i === 2) e.timestamp = `${nextYear}-03-01T00:00:00.000Z`;
    return e;
  });
}

t.test('events produced to Kafka end up in PostgreSQL exactly once, every field intact; old and future days get partitions', async (t) => {
  const names = await testTopics(t, admin, 3);
  const schema = testSchema(t, sql);
  const events = variedEvents(600);
  await produce(kafka, names.topic, events.map((e) => eventMessage(e)));
  const sink = await pgSink(t, schema, names);
  await startLoop(t, kafka, sink, loopConfig(names, { maxBatchRecords: 100, partitionsConcurrency: 2 }), 'postgres');

  await eventually('600 rows', async () => (await count(schema)) === 600);
  t.same(await allRows(sql, schema), events.map(expectedRow).sort(rowOrder), 'rows equal the events, field by field');
  const parts = (await sql`select distinct tableoid::regclass::text as p from ${sql(schema)}.logs`).map((r) => r.p.replace(/^.*\./, ''));
  t.ok(parts.includes('logs_p20190704'), '2019 partition created on demand');
  t.ok(parts.some((p) => p.startsWith(`logs_p${new Date().getUTCFullYear() + 1}0301`)), 'next-year partition created on demand');
  // What lets the planner see that a regex matches many rows (migration 3), on partitions made on demand too.
  const targets = await sql<{ table: string; target: number }[]>`
    select c.relname as table, a.attstattarget as target from pg_attribute a join pg_class c on c.oid = a.attrelid
    where c.relnamespace = ${schema}::regnamespace and c.relname like 'logs%' and c.relkind in ('r', 'p') and a.attname = 'message'`;
  t.ok(targets.length >= 3, `${targets.length} tables`);
  t.same(targets.filter((r) => r.target !== 1000), [], 'message keeps 1,000 statistics entries on the parent and every partition');
  await eventually('Kafka offsets committed', async () => [...(await kafkaCommitted(names.groupId, names.topic)).values()].reduce((a, b) => a + b, 0) === 600);
  t.same(await pgStored(schema, names.groupId), await kafkaCommitted(names.groupId, names.topic), 'PostgreSQL and Kafka agree on the offsets');
});

t.test('a batch delivered twice stores no duplicates', async (t) => {
  const names = await testTopics(t, admin, 3);
  const schema = testSchema(t, sql);
  const events = variedEvents(300);
  await produce(kafka, names.topic, events.map((e) => eventMessage(e)));
  const sink = await pgSink(t, schema, names);
  const first = await startLoop(t, kafka, sink, loopConfig(names), 'postgres');
  await eventually('300 rows', async () => (await count(schema)) === 300);
  await eventually('offsets committed', async () => [...(await kafkaCommitted(names.groupId, names.topic)).values()].reduce((a, b) => a + b, 0) === 300);
  await first.loop.stop();

  // 1. Kafka's offsets reset to the beginning: the loop resumes from PostgreSQL's and writes nothing.
  await admin.resetOffsets({ groupId: names.groupId, topic: names.topic, earliest: true });
  const watching = new WrappedSink(sink);
  const second = await startLoop(t, kafka, watching, loopConfig(names), 'postgres');
  await eventually('Kafka offsets back at the end', async () => [...(await kafkaCommitted(names.groupId, names.topic)).values()].reduce((a, b) => a + b, 0) === 300);
  t.same(watching.batches.flatMap((b) => b.records), [], 'nothing redelivered to the store');
  await second.loop.stop();

  // 2. Both forgotten (Kafka reset, PostgreSQL's offsets deleted): everything is delivered again.
  await admin.resetOffsets({ groupId: names.groupId, topic: names.topic, earliest: true });
  await sql`delete from ${sql(schema)}.sink_offsets`;
  const again = new WrappedSink(sink);
  await startLoop(t, kafka, again, loopConfig(names), 'postgres');
  await eventually('all 300 redelivered', () => again.batches.reduce((n, b) => n + b.records.length, 0) === 300);
  await eventually('offsets stored again', async () => [...(await pgStored(schema, names.groupId)).values()].reduce((a, b) => a + b, 0) === 300);
  t.equal(await count(schema), 300, 'still 300 rows');
  t.equal(await distinctIds(schema), 300);
});

t.test('a restart resumes from the offsets stored in PostgreSQL, ahead of Kafka after a crash between the two commits', async (t) => {
  const names = await testTopics(t, admin, 3);
  const schema = testSchema(t, sql);
  const events = variedEvents(3000);
  await produce(kafka, names.topic, events.map((e) => eventMessage(e)));
  const sink = await pgSink(t, schema, names);

  // The first process stores three slices, then "crashes" right after PostgreSQL committed the fourth:
  // that slice's Kafka commit never happens, and the process goes away.
  let writes = 0;
  let crashed: { partition: number } | undefined;
  const first: { loop?: ConsumerLoop } = {};
  const crashing = new WrappedSink(sink, async (batch, write) => {
    if (crashed) throw new Error('process is gone');
    const result = await write();
    if (++writes === 4) {
      crashed = { partition: batch.partition };
      void first.loop!.stop();
      throw new Error('crash after the PostgreSQL commit');
    }
    return result;
  });
  first.loop = (await startLoop(t, kafka, crashing, loopConfig(names, { maxBatchRecords: 200 }), 'postgres')).loop;
  await eventually('first process crashed', () => crashed !== undefined);
  await first.loop.stop();

  const stored = await pgStored(schema, names.groupId);
  const committed = await kafkaCommitted(names.groupId, names.topic);
  const p = crashed!.partition;
  t.ok(stored.get(p)! > (committed.get(p) ?? -1), `partition ${p}: PostgreSQL (${stored.get(p)}) is ahead of Kafka (${committed.get(p)})`);
  const before = await count(schema);
  t.ok(before > 0 && before < 3000, `stopped mid-stream (${before} rows)`);

  const resumed = new WrappedSink(sink);
  await startLoop(t, kafka, resumed, loopConfig(names, { maxBatchRecords: 200 }), 'postgres');
  await eventually('3000 rows', async () => (await count(schema)) === 3000);
  t.equal(await distinctIds(schema), 3000, 'no duplicates');
  for (const [partition, next] of stored) {
    t.equal(resumed.offsetsSeen(partition)[0] ?? next, next, `partition ${partition} resumed at the stored offset ${next}`);
  }
  t.same(new Set((await allRows(sql, schema)).map((r) => r.id)), new Set(events.map((e) => e.id)), 'exactly the produced ids');
});

t.test('a row PostgreSQL refuses goes to the DLQ with the reason; the rest of its batch is stored', async (t) => {
  const names = await testTopics(t, admin, 1);
  const schema = testSchema(t, sql);
  const events = variedEvents(200).map((e) => ({ ...e, resourceId: 'one-partition' }));
  const nul = makeEvent({ message: 'a NUL \u0000 slipped through', resourceId: 'one-partition' });
  const badJson = makeEvent({ metadata: { note: 'nul in json \u0000' }, resourceId: 'one-partition' });
  const all = [...events.slice(0, 50), nul, ...events.slice(50, 120), badJson, ...events.slice(120)];
  await produce(kafka, names.topic, all.map((e) => eventMessage(e, 0)));
  const sink = await pgSink(t, schema, names);
  await startLoop(t, kafka, sink, loopConfig(names), 'postgres');

  const letters = await readMessages(kafka, names.dlqTopic, 2);
  const byOffset = new Map(letters.map((m) => [m.headers?.[DEAD_LETTER_HEADERS.sourceOffset]?.toString(), m]));
  t.same([...byOffset.keys()].sort(), ['121', '50']);
  const nulLetter = byOffset.get('50')!;
  t.match(nulLetter.headers?.[DEAD_LETTER_HEADERS.reason]?.toString(), /PostgreSQL refused the row: message contains a NUL/);
  t.equal(nulLetter.headers?.[DEAD_LETTER_HEADERS.code]?.toString(), 'pg_22021');
  t.equal(nulLetter.headers?.[DEAD_LETTER_HEADERS.sink]?.toString(), 'postgres');
  const jsonLetter = byOffset.get('121')!;
  t.match(jsonLetter.headers?.[DEAD_LETTER_HEADERS.reason]?.toString(), /PostgreSQL refused the row: unsupported Unicode escape sequence/);
  t.equal(jsonLetter.headers?.[DEAD_LETTER_HEADERS.code]?.toString(), 'pg_22P05');

  await eventually('200 rows', async () => (await count(schema)) === 200);
  t.same(new Set((await allRows(sql, schema)).map((r) => r.id)), new Set(events.map((e) => e.id)));
  await eventually('Kafka offset past the refused rows', async () => (await kafkaCommitted(names.groupId, names.topic)).get(0) === 202);
});

t.test('two processes of the sink split the partitions; when one stops, the other finishes the work', async (t) => {
  const names = await testTopics(t, admin, 4);
  const schema = testSchema(t, sql);
  const events = variedEvents(4000);
  await produce(kafka, names.topic, events.map((e) => eventMessage(e)));
  const slow = (sink: PostgresSink) =>
    new WrappedSink(sink, async (_batch, write) => {
      await new Promise((r) => setTimeout(r, 50)); // long enough that both processes get to work
      return write();
    });
  const a = slow(await pgSink(t, schema, names));
  const b = slow(await pgSink(t, schema, names));
  const first = await startLoop(t, kafka, a, loopConfig(names, { maxBatchRecords: 100 }), 'postgres');
  await startLoop(t, kafka, b, loopConfig(names, { maxBatchRecords: 100 }), 'postgres');
  await eventually('both processes wrote', () => a.batches.length > 0 && b.batches.length > 0, 30_000);
  await first.loop.stop();
  const aPartitions = new Set(a.batches.map((x) => x.partition));
  const bBefore = b.batches.length;
  await eventually('4000 rows', async () => (await count(schema)) === 4000, 60_000);
  t.equal(await distinctIds(schema), 4000, 'no duplicates');
  const takenOver = new Set(b.batches.slice(bBefore).map((x) => x.partition));
  t.ok([...aPartitions].some((p) => takenOver.has(p)), 'the survivor wrote partitions of the stopped process');
});
