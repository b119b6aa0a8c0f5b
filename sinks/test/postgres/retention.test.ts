// Retention of the PostgreSQL sink: partitions older than RETENTION_DAYS are dropped on a schedule,
// today's and the ones ahead are kept (and created).
import t from 'tap';
import { buildPostgresSink } from '../../src/postgres/index.js';
import { eventually } from '../helpers/kafka.js';
import { makeBatch, makeEvent, testContext } from '../helpers/events.js';
import { adminSql, databaseUrl, testSchema } from '../helpers/pg.js';

const sql = adminSql();
t.teardown(() => sql.end({ timeout: 5 }));

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY_MS).toISOString().slice(0, 10);
const partitionOf = (d: string) => `logs_p${d.replaceAll('-', '')}`;

async function partitions(schema: string): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace where n.nspname = ${schema} and p.relname = 'logs' order by 1`;
  return rows.map((r) => r.name);
}

t.test('the timer drops partitions past retention and keeps today and the days ahead', async (t) => {
  const schema = testSchema(t, sql);
  // A first sink (no timer to speak of) stores rows in old days and today.
  const writer = await buildPostgresSink(testContext(), { url: databaseUrl, schema, retentionDays: 1 });
  const old = makeEvent({ timestamp: `${day(-3)}T12:00:00.000Z` });
  const older = makeEvent({ timestamp: '2019-07-04T12:00:00.000Z' });
  const today = makeEvent();
  t.same((await writer.write(makeBatch([old, older, today]))).rejected, []);
  t.ok((await partitions(schema)).includes('logs_p20190704'), 'old partition created on demand');
  await writer.close();

  // A sink with a tiny interval: its timer does the work without being asked.
  const sink = await buildPostgresSink(testContext(), { url: databaseUrl, schema, retentionDays: 1, maintenanceIntervalMs: 100, partitionsAheadDays: 2 });
  t.teardown(() => sink.close());
  await eventually('old partitions dropped', async () => !(await partitions(schema)).some((p) => p === 'logs_p20190704' || p === partitionOf(day(-3))), 10_000);
  const kept = await partitions(schema);
  for (const d of [day(-1), day(0), day(1), day(2)]) t.ok(kept.includes(partitionOf(d)), `partition of ${d} kept or created`);
  const ids = (await sql`select id::text from ${sql(schema)}.logs`).map((r) => r.id);
  t.same(ids, [today.id], "only today's row is left");
});

t.test('maintain() reports what it created and dropped; close() stops the timer', async (t) => {
  const schema = testSchema(t, sql);
  const sink = await buildPostgresSink(testContext(), { url: databaseUrl, schema, retentionDays: 2, partitionsAheadDays: 1 });
  await sink.write(makeBatch([makeEvent({ timestamp: `${day(-5)}T00:00:00.000Z` }), makeEvent({ timestamp: `${day(-2)}T23:59:59.999Z` })]));
  const result = await sink.maintain();
  t.same(result.created, []);
  t.same(result.dropped, [day(-5)], 'day -2 is within retention (cutoff is the start of day -2)');
  await sink.close();
  t.same(await partitions(schema), [day(-2), day(-1), day(0), day(1)].map(partitionOf));
});

/** Pages waiting in the pending lists of a partition's GIN indexes (merging them to count them). */
async function mergePending(schema: string, d: string): Promise<number> {
  const [row] = await sql<{ pages: number }[]>`
    select coalesce(sum(gin_clean_pending_list(i.indexrelid::regclass)), 0)::float8 as pages
    from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
    where i.indrelid = ${`"${schema}".${partitionOf(d)}`}::regclass and am.amname = 'gin'`;
  return row?.pages ?? 0;
}

t.test("maintain() merges finished days' full-text pending lists, and leaves today's to ingest", async (t) => {
  const schema = testSchema(t, sql);
  const sink = await buildPostgresSink(testContext(), { url: databaseUrl, schema, retentionDays: 7 });
  t.teardown(() => sink.close());
  const events = [day(-2), day(-1), day(0)].flatMap((d) => Array.from({ length: 50 }, (_, i) => makeEvent({ timestamp: `${d}T00:00:${String(i).padStart(2, '0')}.000Z`, message: `pending list check ${d} number ${i}` })));
  t.same((await sink.write(makeBatch(events))).rejected, []);
  t.same((await sink.maintain()).merged, [day(-2), day(-1)], 'both finished days had rows waiting');
  for (const d of [day(-2), day(-1)]) t.equal(await mergePending(schema, d), 0, `nothing left waiting on ${d}`);
  t.ok((await mergePending(schema, day(0))) > 0, "today's rows were left in its pending lists");
  t.same((await sink.maintain()).merged, [], 'a merged day is not merged again');
  const found = await sql`select count(*)::int as n from ${sql(schema)}.logs where array_to_tsvector(string_to_array(words, ' ')) @@ 'pending'::tsquery`;
  t.equal(found[0]?.n, 150, 'every row is still found by a word search');
});
