// Against the local stack's PostgreSQL, in a schema of its own dropped at the end.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import t from 'tap';
import { applyMigrations, type NumberedMigration } from '../../src/postgres/migrations.js';
import { ident } from '../../src/postgres/sql-names.js';

const sql = postgres(process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs', { max: 2, onnotice: () => {} });
const schema = `t_runtime_${randomUUID().slice(0, 8)}`;
t.teardown(async () => {
  await sql.unsafe(`drop schema if exists ${ident(schema)} cascade`);
  await sql.end();
});

interface TestMigration extends NumberedMigration {
  sql: string;
}

const run = (migrations: TestMigration[]) =>
  sql.begin(async (tx) => {
    await tx.unsafe(`create schema if not exists ${ident(schema)}`);
    return applyMigrations(tx, schema, 'test_migrations', migrations, (m) => m.sql.replaceAll('$s', ident(schema)));
  });

const one = { version: 1, name: 'table a', sql: 'create table $s.a (x int)' };
const two = { version: 2, name: 'column y', sql: 'alter table $s.a add column y int' };

t.test('applies what is missing, in version order, once', async (t) => {
  t.same(await run([two, one]), { applied: [1, 2], version: 2 });
  t.same(await run([one, two]), { applied: [], version: 2 }, 'nothing left the second time');
  const listed = await sql`select version, name from ${sql(schema)}.test_migrations order by version`;
  t.same(listed.map((r) => [r.version, r.name]), [[1, 'table a'], [2, 'column y']]);
});

t.test('a failing migration leaves nothing of the run behind', async (t) => {
  const three = { version: 3, name: 'table b', sql: 'create table $s.b (x int)' };
  const broken = { version: 4, name: 'broken', sql: 'alter table $s.nope add column z int' };
  await t.rejects(run([one, two, three, broken]), { code: '42P01' });
  const tables = await sql`select table_name from information_schema.tables where table_schema = ${schema} and table_name = 'b'`;
  t.equal(tables.length, 0, 'migration 3 rolled back with 4');
  t.same(await run([one, two]), { applied: [], version: 2 });
});
