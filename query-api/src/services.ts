// The query API's dependencies, built from its validated config: the store clients, the key store, the
// live tail consumer and the lag reader. main.ts uses this; so do tests and the bench, pointed at their
// own schema, alias and topic. Everything opened here is closed by close().
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { createKafka, PgPool } from '@logpipe/runtime';
import type { Logger } from 'pino';
import postgres from 'postgres';
import type { AppDeps } from './app.js';
import { Authenticator } from './access/authenticator.js';
import { KeyStore } from './access/key-store.js';
import type { QueryApiConfig } from './config.js';
import type { QueryApiMetrics } from './metrics.js';
import { migrate } from './postgres/migrations.js';
import { createLagReader } from './stats/lag.js';
import { createElasticsearchStore } from './stores/elasticsearch-store.js';
import { createPostgresStore } from './stores/postgres-store.js';
import { TailHub, tailGroupId } from './tail/tail-hub.js';

/** query-api/public, next to dist/ and src/. */
export const DEFAULT_UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');

export interface ServicesOptions {
  config: QueryApiConfig;
  logger: Logger;
  metrics: QueryApiMetrics;
  now?: () => number;
  uiDir?: string;
  /** Called once if no admin key existed and one was generated; the caller shows it (never the logger). */
  onGeneratedAdminKey?: (key: string) => void;
  /** Wait between attempts to reach PostgreSQL for the key table at start. */
  retryDelayMs?: number;
}

export interface Services {
  deps: AppDeps;
  /** Resolves once the key table is migrated and the first admin key ensured (retried until PostgreSQL answers). */
  keysReady: Promise<void>;
  close(): Promise<void>;
}

export function createServices(options: ServicesOptions): Services {
  const { config, logger, metrics } = options;
  const now = options.now ?? Date.now;

  // The client's own retries are off: a store that fails is reported (partial: true), not retried for seconds.
  const es = new Client({ node: config.elasticsearchUrl, requestTimeout: config.storeTimeoutMs, maxRetries: 0 });
  const pgOptions: postgres.Options<Record<string, never>> = {
    max: config.pgMaxConnections,
    connect_timeout: Math.max(1, Math.ceil(config.storeTimeoutMs / 1000)),
    onnotice: () => {},
    // The longest a store may take; shorter deadlines (regex) set their own (stores/postgres-store.ts).
    connection: { application_name: 'logpipe-query-api', statement_timeout: config.storeTimeoutMs },
    // Seconds before reconnecting after failed attempts; postgres.js's default grows to 20 s.
    backoff: (attempts: number) => Math.min(0.1 * 2 ** attempts, 2) * (0.5 + Math.random() / 2),
  };
  // A store answering "unavailable" is asked again by every search: replace the pool at most once a second.
  const pool = new PgPool(postgres(config.databaseUrl, pgOptions), () => postgres(config.databaseUrl, pgOptions), { minRecycleIntervalMs: 1000 });
  const stores = {
    elasticsearch: createElasticsearchStore({ client: es, alias: config.elasticsearchAlias }),
    postgres: createPostgresStore({ pool, schema: config.postgresSchema, connectionStatementTimeoutMs: config.storeTimeoutMs }),
  };
  const keys = new KeyStore(pool, config.postgresSchema);
  const authenticator = new Authenticator({ lookup: (hash) => keys.findByHash(hash), timeoutMs: config.authTimeoutMs, logger, configuredAdminKey: config.adminKey });
  const kafka = createKafka(config, logger);
  const tail = new TailHub({ kafka, topic: config.topic, groupId: tailGroupId(config.tailGroupPrefix), logger, metrics });
  const lag = createLagReader(kafka.admin(), config.topic, config.lagGroups);

  let closed = false;
  const keysReady = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        const applied = await migrate(pool.current(), config.postgresSchema);
        if (applied.length > 0) logger.info({ schema: config.postgresSchema, applied }, 'key table migrated');
        if (config.adminKey !== undefined) {
          const record = await keys.ensureAdmin(config.adminKey);
          logger.info({ keyId: record.id, prefix: record.prefix }, 'LOGS_ADMIN_KEY is an admin key');
        } else {
          const generated = await keys.createFirstAdmin();
          if (generated !== undefined) options.onGeneratedAdminKey?.(generated);
        }
        const active = await keys.active();
        authenticator.warm(active);
        logger.info({ activeKeys: active.length }, 'API keys ready');
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 30 === 0) logger.warn({ err, attempt }, 'cannot prepare the key table in PostgreSQL yet; retrying (LOGS_ADMIN_KEY still works)');
        await sleep(options.retryDelayMs ?? 2000);
      }
    }
  })();
  tail.start();

  return {
    deps: { config, logger, metrics, stores, keys, authenticator, tail, lag, now, uiDir: options.uiDir ?? DEFAULT_UI_DIR },
    keysReady,
    async close() {
      closed = true;
      await Promise.allSettled([tail.close(), lag.close(), es.close()]);
      await keysReady;
      await pool.end();
    },
  };
}
