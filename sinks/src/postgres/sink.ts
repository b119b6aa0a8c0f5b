// The PostgreSQL sink (issue 4): migrations at start, daily partitions kept ahead and past retention on a
// timer, each batch written with its offsets in one transaction (write-batch.ts). Design contract, section 2.
import { PgPool, sqlState } from '@logpipe/runtime';
import postgres, { type Sql } from 'postgres';
import type { Sink, SinkBatch, SinkContext, WriteResult } from '../contract.js';
import { SinkError } from '../errors.js';
import { migrate } from './migrations.js';
import { readStoredOffsets } from './offsets.js';
import { resolvePostgresSinkConfig, type PostgresSinkConfig, type PostgresSinkOptions } from './options.js';
import { PartitionManager, type RetentionResult } from './partitions.js';
import { isTransientError } from './pg-errors.js';
import { BatchWriter } from './write-batch.js';

/** `work`, or `onTimeout()` as a rejection once `ms` passed; the work itself is not cancelled. */
function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

export interface PostgresSink extends Sink {
  readonly config: PostgresSinkConfig;
  /** Creates the partitions ahead, drops those past retention and merges finished days' GIN pending lists now; the timer does it on its own. */
  maintain(): Promise<RetentionResult>;
}

export interface PostgresSinkDeps {
  /** A pool to use instead of one made from the options (tests); the caller keeps ownership and ends it. */
  sql?: Sql;
}

/**
 * Builds the sink. The extra parameters keep it a `BuildSink`: `buildPostgresSink(ctx)` runs on the
 * defaults, a service passes its validated options. Bad options or a schema PostgreSQL refuses throw
 * here; if PostgreSQL is unreachable, the sink still starts and migrates before the first write.
 */
export async function buildPostgresSink(ctx: SinkContext, options: Partial<PostgresSinkOptions> = {}, deps: PostgresSinkDeps = {}): Promise<PostgresSink> {
  const config = resolvePostgresSinkConfig(options);
  const logger = ctx.logger.child({ sink: 'postgres' });
  // postgres.js's sockets keep Nagle's algorithm on (it has no option for TCP_NODELAY), which costs about
  // 45 ms of delayed ACK after a COPY and after each parameterised statement: ~100 ms per batch,
  // noticeable on small batches only. Its `socket` option cannot fix it safely: a socket handed over
  // before it is connected crashes postgres.js when the server resets (null socket write), and a
  // connect that rejects leaves the pooled connection stuck in "connecting" forever.
  const poolOptions: postgres.Options<Record<string, never>> = {
    max: config.maxConnections,
    connect_timeout: config.connectTimeoutSeconds,
    // "relation already exists, skipping" and the like: expected, and not worth a log line each.
    onnotice: (notice) => logger.trace({ notice: notice.message }, 'postgres notice'),
    connection: { application_name: 'logpipe-sink-postgres' },
    // Seconds before reconnecting after failed attempts. postgres.js's default grows to 20 s; the
    // loop already backs off per batch, and a restarted server should be used again within seconds.
    backoff: (attempts: number) => Math.min(0.1 * 2 ** attempts, 2) * (0.5 + Math.random() / 2),
  };
  const pool = deps.sql ? new PgPool(deps.sql) : new PgPool(postgres(config.url, poolOptions), () => postgres(config.url, poolOptions));
  const sql = pool.current;
  const partitions = new PartitionManager(sql, config.schema, logger);
  const writer = new BatchWriter({ sql, schema: config.schema, groupId: ctx.groupId, partitions, dedupeScope: config.dedupeScope });
  // After a connection-level failure the pool may hold a connection postgres.js can no longer use
  // (PgPool in @logpipe/runtime); a new pool costs a reconnect, a poisoned one would hang every later write.
  const recycleAfter = (err: unknown): void => {
    if (sqlState(err) !== undefined && !isTransientError(err)) return;
    logger.warn({ err }, 'PostgreSQL connection failed; opening a new pool');
    pool.recycle();
  };
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  let maintaining: Promise<RetentionResult> | undefined;
  const maintain = (): Promise<RetentionResult> => {
    maintaining ??= partitions
      .maintain(ctx.now(), config.retentionDays, config.partitionsAheadDays)
      .then((result) => {
        ctx.metrics?.retentionDropped.inc(result.dropped.length);
        return result;
      })
      .finally(() => {
        maintaining = undefined;
      });
    return maintaining;
  };

  // Migrations first, then today's partitions; a failure is forgotten and tried again by the next caller.
  let started: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    started ??= (async () => {
      const { applied, version } = await migrate(sql(), config.schema);
      logger.info({ schema: config.schema, version, applied }, 'schema migrated');
      await maintain().catch((err: unknown) => logger.warn({ err }, 'partition maintenance failed; retried on schedule'));
    })().catch((err: unknown) => {
      started = undefined;
      throw err;
    });
    return started;
  };

  try {
    await ready();
  } catch (err) {
    if (!isTransientError(err)) {
      await pool.end();
      throw err;
    }
    logger.warn({ err }, 'PostgreSQL unreachable; migrations run before the first write');
  }

  const timer = setInterval(() => {
    void ready()
      .then(maintain)
      .catch((err: unknown) => logger.warn({ err }, 'partition maintenance failed; retried on schedule'));
  }, config.maintenanceIntervalMs);
  timer.unref();

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => {});
    return work;
  };

  return {
    config,
    maintain: () => track(ready().then(maintain)),

    async write(batch: SinkBatch): Promise<WriteResult> {
      if (closed) throw new SinkError('SINK_WRITE_FAILED', 'the PostgreSQL sink is closed');
      const work = track(ready().then(() => writer.write(batch)));
      try {
        return await withTimeout(work, config.writeTimeoutMs, () => new SinkError('SINK_WRITE_FAILED', `PostgreSQL did not confirm the batch within ${config.writeTimeoutMs} ms`));
      } catch (err) {
        recycleAfter(err);
        throw err;
      }
    },

    async storedOffsets(topic: string, partitionIds: number[]): Promise<Map<number, string>> {
      try {
        return await track(ready().then(() => readStoredOffsets(sql(), config.schema, ctx.groupId, topic, partitionIds)));
      } catch (err) {
        recycleAfter(err);
        throw err;
      }
    },

    async healthcheck(): Promise<boolean> {
      let timeout: NodeJS.Timeout | undefined;
      const expired = new Promise<boolean>((resolve) => {
        timeout = setTimeout(() => resolve(false), config.healthcheckTimeoutMs);
      });
      const probe = (async () => {
        await ready();
        await sql()`select 1`;
        return true;
      })().catch(() => false);
      try {
        return await Promise.race([probe, expired]);
      } finally {
        clearTimeout(timeout);
      }
    },

    async close(): Promise<void> {
      closed = true;
      clearInterval(timer);
      // Work in flight finishes, within bounds: a write stuck on an unreachable server is ended by
      // pool.end(), which closes the connections after its own timeout.
      await withTimeout(Promise.allSettled([...inFlight]), config.writeTimeoutMs, () => new Error('in-flight work did not finish')).catch(() => {});
      await pool.end();
    },
  };
}
