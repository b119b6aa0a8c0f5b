// Smoke test against the running stack's PostgreSQL (`npm run up` first): COPY round trip and pg_trgm.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs', {
  max: 1,
  connect_timeout: 5,
  onnotice: () => {},
});
const table = `smoke_copy_${process.pid}_${Date.now()}`;

// COPY's text format: backslash, tab, newline and carriage return must be escaped; \N is NULL.
const copyField = (v: string | null) =>
  v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

const rows: Array<{ id: number; body: string | null }> = [
  { id: 1, body: 'plain ascii' },
  { id: 2, body: 'unicode: héllo wörld, 日本語, emoji 🚀👩‍💻, combining e\u0301' },
  { id: 3, body: 'tab\there, newline\nthere, crlf\r\nend' },
  { id: 4, body: 'backslashes \\ \\\\ and a literal \\N and \\t that are not escapes' },
  { id: 5, body: '' },
  { id: 6, body: null },
];

t.teardown(async () => {
  await sql`drop table if exists ${sql(table)}`;
  await sql.end({ timeout: 5 });
});

t.test('COPY FROM STDIN round-trips tricky text exactly', async (t) => {
  await sql`create table ${sql(table)} (id int primary key, body text)`;
  const writable = await sql`copy ${sql(table)} (id, body) from stdin`.writable();
  await pipeline(Readable.from(rows.map((r) => `${r.id}\t${copyField(r.body)}\n`)), writable);

  const back = await sql<Array<{ id: number; body: string | null }>>`select id, body from ${sql(table)} order by id`;
  t.same(
    back.map((r) => ({ id: r.id, body: r.body })),
    rows,
  );
});

t.test('pg_trgm is installed in the database', async (t) => {
  const [ext] = await sql<Array<{ extversion: string }>>`select extversion from pg_extension where extname = 'pg_trgm'`;
  t.ok(ext, 'pg_trgm extension present');
  const [row] = await sql<Array<{ sim: number }>>`select similarity('connection refused', 'connection reset') as sim`;
  t.ok(row && row.sim > 0.3, `similarity() works (${row?.sim})`);
});
