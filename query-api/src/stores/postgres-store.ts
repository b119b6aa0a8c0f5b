// PostgreSQL as a store of the query API: the sink's partitioned `logs` table, queried with the boolean
// expression compileSql builds from the AST (parameters only, never user text in the SQL), a keyset
// condition on ("timestamp", id) — the order of the (timestamp, id) index — and a statement_timeout
// set per transaction, so PostgreSQL itself stops work nobody waits for any more.
import type { LogEvent, QueryNode } from '@logpipe/schemas';
import { compileSql } from '@logpipe/schemas';
import type { Sql, TransactionSql } from 'postgres';
import { classifyPgError, pgMessage } from '../postgres/pg-errors.js';
import { ident, type PgPool } from '@logpipe/runtime';
import { StoreError, type LogStore, type StoreBucket, type StoreCall, type StoreHistogramRequest, type StoreSearchRequest, type StoreStats } from './contract.js';
import { toHit, type StoredFields } from './hit.js';

export interface PostgresStoreOptions {
  pool: PgPool;
  schema: string;
  /**
   * The statement_timeout the pool's connections already have (ms). A call allowed at least that long is
   * sent as one statement, in one round trip; a shorter one (a regex) sets its own in a transaction.
   */
  connectionStatementTimeoutMs?: number;
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
// The event's fields under their event names, timestamps in the form the event carries (UTC, ms, `Z`),
// so a hit from here is identical to the same event's hit from Elasticsearch.
const EVENT_COLUMNS = [
  'id::text as id',
  `to_char("timestamp" at time zone 'UTC', ${ISO_UTC}) as "timestamp"`,
  `to_char(received_at at time zone 'UTC', ${ISO_UTC}) as "receivedAt"`,
  'level',
  'message',
  'resource_id as "resourceId"',
  'trace_id as "traceId"',
  'span_id as "spanId"',
  '"commit"',
  'metadata',
].join(', ');

/**
 * The fewest rows a search asks PostgreSQL for; a smaller page is cut here. With a tiny limit the planner
 * prefers walking the (timestamp, id) index until that many rows match, which is right for common words
 * but scans every row when the word is in no event and its estimate says a few hundred (an absent word on
 * 1M rows: 4.3 s with limit 2, 13 ms with limit 101). At this size the walk is chosen only for words its
 * statistics call common.
 */
const MIN_PG_LIMIT = 101;

/** Collects parameter values and names their placeholders after those of the compiled expression. */
class Params {
  constructor(readonly values: unknown[]) {}
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function classifyPostgresError(err: unknown, timeoutMs: number, schema: string): StoreError {
  if (err instanceof StoreError) return err;
  switch (classifyPgError(err)) {
    case 'timeout':
      return new StoreError('postgres', 'timeout', `PostgreSQL did not answer within ${timeoutMs} ms`, { cause: err });
    case 'rejected':
      return new StoreError('postgres', 'rejected', `PostgreSQL refused the query: ${pgMessage(err)}`, { cause: err });
    case 'unavailable':
      return new StoreError('postgres', 'unavailable', 'PostgreSQL is not reachable', { cause: err });
    case 'missing-table':
      return new StoreError('postgres', 'failed', `PostgreSQL has no logs table in schema ${schema} (has the PostgreSQL sink run?)`, { cause: err });
    default:
      return new StoreError('postgres', 'failed', `PostgreSQL failed: ${pgMessage(err)}`, { cause: err });
  }
}

export function createPostgresStore({ pool, schema, connectionStatementTimeoutMs }: PostgresStoreOptions): LogStore {
  const logs = `${ident(schema)}.logs`;

  /** The statement, cancelled on abort. */
  async function cancellable<T>(call: StoreCall, sql: Sql | TransactionSql, text: string, values: unknown[]): Promise<T[]> {
    const query = sql.unsafe(text, values as never[]);
    const cancel = (): void => void query.cancel();
    call.signal.addEventListener('abort', cancel, { once: true });
    try {
      return (await query) as unknown as T[];
    } finally {
      call.signal.removeEventListener('abort', cancel);
    }
  }

  /** One statement bounded by statement_timeout (PostgreSQL stops it itself) and cancelled on abort. */
  async function run<T>(call: StoreCall, text: string, values: unknown[]): Promise<T[]> {
    if (call.signal.aborted) throw new StoreError('postgres', 'timeout', `PostgreSQL did not answer within ${call.timeoutMs} ms`);
    const timeoutMs = Math.max(1, Math.ceil(call.timeoutMs));
    try {
      // The connection's own timeout suffices: one round trip instead of begin, set, query and commit.
      if (connectionStatementTimeoutMs !== undefined && timeoutMs >= connectionStatementTimeoutMs) return await cancellable<T>(call, pool.current(), text, values);
      return (await pool.current().begin(async (tx: TransactionSql) => {
        // `set local` takes no parameters; the value is an integer we computed.
        await tx.unsafe(`set local statement_timeout = ${timeoutMs}`);
        return cancellable<T>(call, tx, text, values);
      })) as unknown as T[];
    } catch (err) {
      const failure = classifyPostgresError(err, call.timeoutMs, schema);
      // A connection that died may poison the pool (pool.ts); a query PostgreSQL answered cannot.
      if (failure.kind === 'unavailable') pool.recycle();
      throw failure;
    }
  }

  return {
    name: 'postgres',

    async search(request: StoreSearchRequest): Promise<LogEvent[]> {
      const where = compileSql(request.ast, { firstParam: 1 });
      const params = new Params([...where.values]);
      const dir = request.order === 'asc' ? 'asc' : 'desc';
      let text = `select ${EVENT_COLUMNS} from ${logs} as l where (${where.text})`;
      if (request.after) {
        // Row comparison in index order: one range of the ("timestamp", id) index per partition.
        const op = dir === 'asc' ? '>' : '<';
        text += ` and ("timestamp", id) ${op} (${params.add(new Date(request.after.ms).toISOString())}::timestamptz, ${params.add(request.after.id)}::uuid)`;
      }
      // Qualified: bare names here would be the text output columns, and sorting by them cannot use the
      // index (a sort of every match: seconds on a million rows instead of milliseconds).
      text += ` order by l."timestamp" ${dir}, l.id ${dir} limit ${params.add(Math.max(request.size, MIN_PG_LIMIT))}`;
      const rows = await run<StoredFields>(request, text, params.values);
      return rows.slice(0, request.size).map(toHit);
    },

    async histogram(request: StoreHistogramRequest): Promise<StoreBucket[]> {
      const where = compileSql(request.ast, { firstParam: 1 });
      const params = new Params([...where.values]);
      // The same origin as Elasticsearch's fixed intervals: multiples of the interval since the epoch.
      const bin = `date_bin(${params.add(`${request.intervalMs} milliseconds`)}::interval, "timestamp", timestamptz '1970-01-01T00:00:00Z')`;
      const text = `select (extract(epoch from b) * 1000)::float8 as "startMs", n::float8 as count
        from (select ${bin} as b, count(*) as n from ${logs} where (${where.text}) group by 1) h order by 1`;
      return run<StoreBucket>(request, text, params.values);
    },

    async stats(ast: QueryNode, call: StoreCall): Promise<StoreStats> {
      const where = compileSql(ast, { firstParam: 1 });
      const [counted, newest] = await Promise.all([
        run<{ count: number }>(call, `select count(*)::float8 as count from ${logs} where (${where.text})`, [...where.values]),
        run<{ id: string; timestamp: string }>(
          call,
          `select id::text as id, to_char("timestamp" at time zone 'UTC', ${ISO_UTC}) as "timestamp" from ${logs} as l where (${where.text}) order by l."timestamp" desc, l.id desc limit ${MIN_PG_LIMIT}`,
          [...where.values],
        ),
      ]);
      const top = newest[0];
      return { count: counted[0]?.count ?? 0, newest: top ? { id: top.id, timestamp: top.timestamp } : null };
    },

    async ping(timeoutMs: number): Promise<boolean> {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      // A server that accepts no connection makes postgres.js wait for its connect timeout: race it.
      const expired = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve(false);
        }, timeoutMs);
      });
      const probe = run(call(controller.signal, timeoutMs), 'select 1', []).then(
        () => true,
        () => false,
      );
      try {
        return await Promise.race([probe, expired]);
      } finally {
        clearTimeout(timer);
      }
    },

    close: () => pool.end(),
  };
}

const call = (signal: AbortSignal, timeoutMs: number): StoreCall => ({ signal, timeoutMs });
