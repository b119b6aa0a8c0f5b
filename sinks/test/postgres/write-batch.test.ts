// The PostgreSQL write path against the real server: rows intact, ids stored once, offsets in the same
// transaction, refused rows isolated. Each test has a schema of its own.
import { messageWordsText, WORDS_TSVECTOR_SQL } from '@logpipe/schemas';
import t, { type Test } from 'tap';
import { buildPostgresSink, type PostgresSink } from '../../src/postgres/index.js';
import { MIGRATIONS } from '../../src/postgres/migrations.js';
import { makeBatch, makeEvent, testContext } from '../helpers/events.js';
import { adminSql, allRows, databaseUrl, expectedRow, testSchema, type LogRow } from '../helpers/pg.js';

const sql = adminSql();
t.teardown(() => sql.end({ timeout: 5 }));

async function sinkFor(t: Test, groupId = 'sink-postgres'): Promise<{ sink: PostgresSink; schema: string }> {
  const schema = testSchema(t, sql);
  const sink = await buildPostgresSink(testContext(groupId), { url: databaseUrl, schema });
  t.teardown(() => sink.close());
  return { sink, schema };
}

const byTimeThenId = (a: LogRow, b: LogRow) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

t.test('every field survives, including text COPY must escape', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const events = [
    makeEvent({
      level: 'error',
      message: 'tab\there, newline\nthere, crlf\r\nend, backslash \\ and \\N and \\t literally',
      traceId: 'trace-1',
      spanId: 'span-1',
      commit: 'abc123',
      metadata: { parentResourceId: 'parent-1', n: 42, f: 1.5, ok: true, s: 'x\ty\\z\n', unicode: 'héllo 日本語 🚀' },
    }),
    makeEvent({ level: 'trace', message: 'unicode: héllo wörld, 日本語, emoji 🚀👩‍💻, combining e\u0301', timestamp: '2024-02-29T23:59:59.999Z' }),
    makeEvent({ level: 'fatal', message: 'x', resourceId: 'r'.repeat(256), metadata: {} }),
  ];
  const result = await sink.write(makeBatch(events));
  t.same(result, { stored: 3, rejected: [], retried: 0 });
  t.same(await allRows(sql, schema), events.map(expectedRow).sort(byTimeThenId));
});

t.test('the words of each message are stored for the query language, and its index answers for them', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const events = [makeEvent({ message: 'Error:timeout in foo.bar_baz — İstanbul ΟΔΟΣ x² 🚀' }), makeEvent({ message: '!!! 🚀' })];
  await sink.write(makeBatch(events));
  const rows = await sql<{ id: string; words: string }[]>`select id::text, words from ${sql(schema)}.logs`;
  t.same(new Map(rows.map((r) => [r.id, r.words])), new Map(events.map((e) => [e.id, messageWordsText(e.message)])));
  t.equal(messageWordsText(events[0]!.message), 'error timeout in foo bar baz istanbul οδοσ x²');
  // The expression compileSql uses is the indexed one: both find the word `x²` that PostgreSQL's text parser would drop.
  const found = await sql.unsafe(`select id::text from "${schema}".logs where ${WORDS_TSVECTOR_SQL} @@ $1::tsquery`, [`'x²'`]);
  t.same(found.map((r) => r.id), [events[0]!.id]);
  const [index] = await sql<{ def: string }[]>`select pg_get_indexdef(c.oid) as def from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relname = 'logs_words_idx'`;
  t.match(index?.def, 'array_to_tsvector(string_to_array(words', 'the index is on the expression compileSql uses');
  const fts = await sql`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${schema} and c.relname = 'logs_message_fts_idx'`;
  t.equal(fts.length, 0, 'the full-text index on message is gone');
});

t.test('a batch written twice, and an id arriving again at another offset, are stored once', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const events = Array.from({ length: 50 }, (_, i) => makeEvent({ message: `event ${i}` }));
  const batch = makeBatch(events, 0);
  t.equal((await sink.write(batch)).stored, 50);
  t.equal((await sink.write(batch)).stored, 50, 'a redelivery counts as stored');
  // The same ids later in the topic (a gateway retry), and one id twice inside a batch.
  const again = makeBatch([...events.slice(0, 10), events[0]!, makeEvent({ message: 'new' })], 50);
  t.equal((await sink.write(again)).stored, 12);
  const rows = await allRows(sql, schema);
  t.equal(rows.length, 51);
  t.equal(new Set(rows.map((r) => r.id)).size, 51);
  const [offsets] = await sql`select next_offset from ${sql(schema)}.sink_offsets`;
  t.equal(offsets?.next_offset, '62');
  t.same(await sink.storedOffsets!('logs.v1', [0, 1]), new Map([[0, '62']]));
});

t.test('the same id with another timestamp: once within its day; across days only with dedupeScope table', async (t) => {
  const first = makeEvent({ timestamp: '2024-03-01T10:00:00.000Z' });
  const sameDay = { ...first, timestamp: '2024-03-01T23:00:00.000Z', message: 'same day' };
  const otherDay = { ...first, timestamp: '2024-03-05T10:00:00.000Z', message: 'other day' };

  const day = await sinkFor(t);
  await day.sink.write(makeBatch([first], 0));
  await day.sink.write(makeBatch([sameDay, otherDay], 1));
  t.same((await allRows(sql, day.schema)).map((r) => r.timestamp), [first.timestamp, otherDay.timestamp], 'day: the other day is another row');

  const schema = testSchema(t, sql);
  const table = await buildPostgresSink(testContext(), { url: databaseUrl, schema, dedupeScope: 'table' });
  t.teardown(() => table.close());
  await table.write(makeBatch([first], 0));
  await table.write(makeBatch([sameDay, otherDay], 1));
  t.same((await allRows(sql, schema)).map((r) => r.timestamp), [first.timestamp], 'table: stored once');
});

t.test('records below the stored offset are not written again', async (t) => {
  const { sink, schema } = await sinkFor(t);
  await sink.write(makeBatch([makeEvent(), makeEvent()], 0));
  // A stale delivery of offsets 0..2: 0 and 1 are stored; 2 is new. Only the new one is inserted.
  const stale = makeBatch([makeEvent({ message: 'not the stored one' }), makeEvent({ message: 'nor this' }), makeEvent({ message: 'new' })], 0);
  t.equal((await sink.write(stale)).stored, 3);
  const rows = await allRows(sql, schema);
  t.same(rows.map((r) => r.message).sort(), ['GET /api/orders 200 in 12 ms', 'GET /api/orders 200 in 12 ms', 'new']);
});

t.test('rows PostgreSQL refuses are rejected with its reason; the rest are stored', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const good = Array.from({ length: 40 }, (_, i) => makeEvent({ message: `good ${i}` }));
  const nul = makeEvent({ message: 'nul \u0000 inside' });
  const badId = makeEvent({ id: 'not-a-uuid' });
  const nulJson = makeEvent({ metadata: { k: 'a\u0000b' } });
  const year0 = makeEvent({ timestamp: '0000-06-01T00:00:00.000Z' });
  const events = [...good.slice(0, 10), nul, ...good.slice(10, 25), badId, nulJson, ...good.slice(25), year0];
  const batch = makeBatch(events, 100);
  const result = await sink.write(batch);
  t.equal(result.stored, 40);
  t.same(
    result.rejected.map((r) => r.record.event.id).sort(),
    [nul, badId, nulJson, year0].map((e) => e.id).sort(),
  );
  for (const r of result.rejected) {
    t.match(r.reason, /^PostgreSQL refused the row: /);
    t.match(r.code, /^pg_[0-9A-Z]{5}$/);
  }
  t.same(new Set((await allRows(sql, schema)).map((r) => r.id)), new Set(good.map((e) => e.id)));
  // The stored offset stays at the first refused record until the dead letters are safe (next batch).
  t.same(await sink.storedOffsets!('logs.v1', [0]), new Map([[0, String(100 + 10)]]));
  // A redelivery rejects them again (they go to the DLQ again) and stores nothing twice.
  const again = await sink.write(batch);
  t.equal(again.rejected.length, 4);
  t.equal((await allRows(sql, schema)).length, 40);
});

t.test('partitions are created on demand for old and future days', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const nextYear = new Date().getUTCFullYear() + 1;
  const events = [makeEvent({ timestamp: '2019-07-04T12:00:00.000Z' }), makeEvent({ timestamp: `${nextYear}-01-15T08:30:00.000Z` })];
  t.same((await sink.write(makeBatch(events))).rejected, []);
  const partitions = await sql<{ name: string; bound: string }[]>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
    from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    join pg_namespace n on n.oid = p.relnamespace where n.nspname = ${schema} and p.relname = 'logs'`;
  const names = partitions.map((p) => p.name);
  t.ok(names.includes('logs_p20190704'), '2019 partition');
  t.ok(names.includes(`logs_p${nextYear}0115`), 'next-year partition');
  const rows = await sql`select tableoid::regclass::text as part, id from ${sql(schema)}.logs order by "timestamp"`;
  t.same(rows.map((r) => r.part.replace(/^.*\./, '')), ['logs_p20190704', `logs_p${nextYear}0115`], 'each row in its day');
});

t.test('migrations run once when several sinks start together', async (t) => {
  const schema = testSchema(t, sql);
  const sinks = await Promise.all([1, 2, 3].map(() => buildPostgresSink(testContext(), { url: databaseUrl, schema })));
  t.teardown(() => Promise.all(sinks.map((s) => s.close())));
  const rows = await sql`select version from ${sql(schema)}.schema_migrations`;
  t.same(rows.map((r) => Number(r.version)).sort((a, b) => a - b), MIGRATIONS.map((m) => m.version), 'each migration once');
  t.ok(await sinks[0]!.healthcheck());
});

t.test('later batches into a day that already holds rows stay fast (the id check probes an index)', async (t) => {
  const { sink, schema } = await sinkFor(t);
  const day = new Date().toISOString().slice(0, 10);
  const batchOf = (n: number, first: number) => makeBatch(Array.from({ length: n }, (_, i) => makeEvent({ timestamp: `${day}T${String(i % 24).padStart(2, '0')}:00:00.${String(i % 1000).padStart(3, '0')}Z` })), first);
  await sink.write(batchOf(8000, 0));
  // Planned from statistics a fresh partition lacks, the check became a nested loop over the whole
  // partition: 8000 x 8000 comparisons, ~30 s. As an index probe it takes well under a second.
  const started = performance.now();
  await sink.write(batchOf(8000, 8000));
  const ms = performance.now() - started;
  t.ok(ms < 10_000, `second batch of 8000 rows written in ${Math.round(ms)} ms`);
  t.equal(Number((await sql`select count(*)::int as n from ${sql(schema)}.logs`)[0]!.n), 16_000);
});
