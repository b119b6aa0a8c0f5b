// Against the local stack's PostgreSQL: the pool is really replaced and the old one really ended.
import postgres from 'postgres';
import t from 'tap';
import { PgPool } from '../../src/postgres/pool.js';

const url = process.env.DATABASE_URL ?? 'postgres://logs:logs@127.0.0.1:5432/logs';
const open = () => postgres(url, { max: 1, onnotice: () => {} });

t.test('recycle() swaps in a fresh pool and ends the old one, failing what used it', async (t) => {
  const pool = new PgPool(open(), open);
  t.teardown(() => pool.end());
  const first = pool.current();
  t.same(await first`select 1 as one`, [{ one: 1 }]);
  pool.recycle();
  const second = pool.current();
  t.not(second, first);
  t.same(await second`select 1 as one`, [{ one: 1 }], 'the new pool answers');
  await t.rejects(first`select 1`, { code: 'CONNECTION_ENDED' }, 'the old one is ended');
});

t.test('with a minimum interval, a second recycle() soon after is ignored', async (t) => {
  const pool = new PgPool(open(), open, { minRecycleIntervalMs: 60_000 });
  t.teardown(() => pool.end());
  const first = pool.current();
  pool.recycle();
  const second = pool.current();
  t.not(second, first);
  pool.recycle();
  t.equal(pool.current(), second);
});

t.test('an injected pool (no factory) is never replaced nor ended', async (t) => {
  const sql = open();
  t.teardown(() => sql.end());
  const pool = new PgPool(sql);
  pool.recycle();
  t.equal(pool.current(), sql);
  await pool.end();
  t.same(await sql`select 1 as one`, [{ one: 1 }], 'still usable: its owner ends it');
});
